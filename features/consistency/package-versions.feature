@consistency @registry @catalog @search
Feature: The same package looks the same through every path
  A package lives in S3 as a manifest and pointers; the registry's GraphQL, the catalog pages and
  the search index are views of it. Each view must show the same revision, files, sizes, message
  and metadata as the manifest — right after a push, after an update, and after a delete. The
  search index may lag behind, but only within its deadline, and never shows a stale revision.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name             | content                                  |
      | file1.csv        | sample_id,reads\nS1,120\n                |
      | file2.csv        | sample_id,reads\nS2,98\nS3,77\n          |
      | extra/notes.txt  | run notes: flow cell FC-1                |

  Scenario: A new package agrees across the manifest, GraphQL, its catalog page and search
    When Dana creates the package "consistency/check" from "data/file1.csv, data/file2.csv" with the message "consistency check" and the metadata:
      """
      {"study": "consistency", "replicates": 2, "threshold": 0.05, "owner": "Dana Müller"}
      """
    Then every path shows "consistency/check" exactly as it was published:
      | path             |
      | S3 manifest      |
      | registry GraphQL |
      | catalog page     |
      | search index     |

  Scenario: After an update, every path shows the new revision and none the old one
    Given Dana has created the package "consistency/check" from "data/file1.csv"
    When Dana adds "data/file2.csv, data/extra/notes.txt" to the package "consistency/check"
    Then every path shows "consistency/check" exactly as it was published:
      | path             |
      | S3 manifest      |
      | registry GraphQL |
      | catalog page     |
      | search index     |

  Scenario: After a delete, no path shows the package any more
    Given Dana has created the package "consistency/check" from "data/file1.csv, data/file2.csv"
    When Dana deletes the package "consistency/check"
    Then no path shows "consistency/check" any more:
      | path             |
      | S3 manifest      |
      | registry GraphQL |
      | catalog page     |
      | search index     |
