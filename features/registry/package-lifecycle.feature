@integration @registry
Feature: Package lifecycle
  A data manager publishes a package from files already in S3, browses it, publishes a new
  revision, compares it with the previous one and finally deletes the package. The registry is
  the bucket itself, in quilt3's layout, so what the suite writes any quilt3 client can read.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name      | content          |
      | file1.csv | col1,col2\n1,2\n |
      | file2.csv | col1,col2\n3,4\n |
      | file3.csv | col1,col2\n5,6\n |

  Scenario: A package published through the registry's GraphQL holds exactly the files given
    When Dana publishes the package "test/via-catalog" through the catalog from "data/file1.csv, data/file2.csv"
    Then the catalog publishes "test/via-catalog", and quilt3 reads exactly those files from it, with their sizes and hashes

  Scenario: A package created from files in S3 can be browsed with its files, sizes, message and metadata
    When Dana creates the package "test/lifecycle" from "data/file1.csv, data/file2.csv" with the message "first revision" and the metadata:
      """
      {"project": "lifecycle", "samples": 2, "ratio": 0.5, "owner": "Dana Müller"}
      """
    And Dana browses the package "test/lifecycle"
    Then the package holds exactly these files:
      | logical key | size |
      | file1.csv   | 14   |
      | file2.csv   | 14   |
    And its message is "first revision" and its metadata is:
      """
      {"project": "lifecycle", "samples": 2, "ratio": 0.5, "owner": "Dana Müller"}
      """

  Scenario: Adding a file makes a new latest revision, and the diff with the previous revision shows exactly that file
    Given Dana has created the package "test/lifecycle" from "data/file1.csv, data/file2.csv"
    When Dana adds "data/file3.csv" to the package "test/lifecycle"
    Then the package "test/lifecycle" has 2 revisions, the newest being its latest
    When Dana compares the latest revision of "test/lifecycle" with the previous one
    Then the differences are exactly:
      | change | logical key |
      | added  | file3.csv   |

  @catalog
  Scenario: Every catalog URL of a new package opens a page that shows its revision
    Given Dana has created the package "test/lifecycle" from "data/file1.csv, data/file2.csv"
    When Rita opens the catalog URLs of "test/lifecycle"
    Then the package page, the revision page, a file page and the revisions page all open and show the revision of "test/lifecycle"

  @catalog @search
  Scenario: A deleted package disappears from the registry, the catalog and search
    Given Dana has created the package "test/lifecycle" from "data/file1.csv, data/file2.csv"
    When Dana deletes the package "test/lifecycle"
    Then the package "test/lifecycle" can no longer be browsed or found in the registry
    And no path shows "test/lifecycle" any more:
      | path             |
      | registry GraphQL |
      | catalog page     |
      | search index     |
