@auth @admin @catalog @mcp-admin-tools-not-driven
Feature: Programs sign in with API keys
  A user makes an API key for a program — a nightly job, a notebook — and quilt3 signs in with it.
  The program then works as the key's user: the registry answers it as that user, and S3 with the
  temporary credentials the catalog hands that user, with no AWS keys of its own. An admin can
  revoke any key; from then on the catalog refuses it. quilt3 8.0.0 does not yet ask the catalog
  for those S3 credentials by itself (a known defect): a program asks for them through quilt3's
  session and hands them over.

  Background:
    Given Dana has made a policy granting read-write on the test bucket and the role "writers" from it
    And Dana has created the user "automation" with the role "writers"
    And "automation" has made the API key "nightly"

  Scenario: quilt3 logged in with an API key finds its key and reads a package with the S3 credentials the catalog hands the key
    Given Dana has uploaded these files to the folder "keys/":
      | name      | content                 |
      | plate.csv | well,value\nA1,7\nA2,9\n |
      | notes.txt | read with an API key     |
    And Dana has created the package "keys/reference" from "keys/plate.csv, keys/notes.txt"
    When quilt3, logged in with the API key "nightly", reads the package "keys/reference" with the S3 credentials the catalog hands the key
    Then quilt3 lists the API key "nightly" among its user's keys
    And quilt3 read the latest revision of "keys/reference", every file byte for byte as S3 holds it

  Scenario: quilt3 logged in with an API key pushes a package with the rights of the key's user
    When quilt3, logged in with the API key "nightly", pushes the package "keys/pushed" with the S3 credentials the catalog hands the key
    Then quilt3 finds exactly the files it pushed in the latest revision of "keys/pushed", byte for byte in S3

  @known-defect
  Scenario: quilt3 logged in with only an API key asks the catalog for no S3 credentials
    Given Dana has uploaded these files to the folder "keys/":
      | name      | content                 |
      | plate.csv | well,value\nA1,7\nA2,9\n |
      | notes.txt | read with an API key     |
    And Dana has created the package "keys/reference" from "keys/plate.csv, keys/notes.txt"
    When quilt3, logged in with only the API key "nightly", reads the package "keys/reference"
    Then quilt3 fails for want of S3 credentials, as recorded for quilt3 8.0.0

  Scenario: An API key revoked by an admin is refused
    Given quilt3, logged in with the API key "nightly", gets S3 credentials from the catalog
    When Dana revokes the API key "nightly" of "automation" with quilt3's admin API
    And quilt3, logged in with the API key "nightly", asks the catalog for S3 credentials
    Then the catalog refuses the API key "nightly", but not its user
