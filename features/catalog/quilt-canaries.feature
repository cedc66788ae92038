@catalog @browser @canary
Feature: Quilt's canaries pass in its web catalog
  Quilt watches its stacks with canaries: bucket access control, immutable URIs, package push in
  the web catalog, and search. Here a person runs them in Quilt's own web catalog, in a real
  browser, and the storage and the registry confirm what the page showed. On the local stack each
  canary's last results show on the catalog's admin status page.

  @engine-steps-only
  Scenario: Rita sees the test bucket's overview in the catalog
    When Rita opens the test bucket in the catalog
    Then the catalog shows her the bucket's overview

  @engine-steps-only
  Scenario: Otto gets the catalog's access-denied page for the test bucket
    When Otto opens the test bucket in the catalog
    Then the catalog shows him its access-denied page

  Scenario: A pinned Quilt+ URI gives the same bytes after a newer revision is pushed
    Given Dana has uploaded these files to the folder "v1/":
      | name      | content                    |
      | notes.txt | first words of the notes   |
    And Dana has created the package "canary/pinned" from "v1/notes.txt"
    And Dana has uploaded these files to the folder "v2/":
      | name      | content                    |
      | notes.txt | second thoughts, new words |
    And Dana has pushed "v2/notes.txt" to the package "canary/pinned" as a newer revision
    When Rita downloads "notes.txt" of the first revision of "canary/pinned" in the catalog, from its Quilt+ URI
    Then the catalog gave her the first revision's "notes.txt" of "canary/pinned", byte for byte as S3 holds it

  @engine-steps-only
  Scenario: A package pushed in the catalog's creation dialog holds exactly the files chosen
    Given Dana has these files on her computer:
      | name      | content                         |
      | assay.csv | well,signal\nA1,0.42\nB2,0.17\n |
      | notes.txt | plate 7, read at 37 C           |
    When Dana creates the package "canary/pushed" in the catalog from those files, with the message "plate 7 from the browser"
    Then quilt3 reads the latest revision of "canary/pushed": exactly those files, byte for byte, with the message "plate 7 from the browser"

  @engine-steps-only
  Scenario: A search in the catalog finds a new file within the index deadline
    Given Dana has uploaded these files to the folder "canary-search/":
      | name                  | content                        |
      | zebrafish-assay.csv   | well,signal\nA1,0.42\n         |
    When Rita searches the catalog for "zebrafish-assay" in the test bucket
    Then the catalog's results list "canary-search/zebrafish-assay.csv"

  @admin @engine-steps-only
  Scenario: A policy, a role and an invitation made in the admin pages grant the invited user read on the test bucket and nothing more
    When Dana makes, in the catalog's admin pages, a policy granting read on the test bucket, the role "readers" with it, and invites "invitee" with that role
    Then the registry lists the role "readers", whose one policy grants read on the test bucket
    And the registry lists "invitee" as invited: active, with the role "readers"
    And the credentials "invitee" gets from the catalog read the test bucket but may not write to it

  @admin @engine-steps-only
  Scenario: A user invited with a role granting read sees the bucket at their first sign-in
    Given Dana has made a policy granting read on the test bucket and the role "readers" from it
    And Dana has created the user "invitee" with the role "readers"
    When "invitee" sets a password from the invitation and signs in to the catalog
    Then the web catalog shows "invitee" the test bucket's overview
