@consistency @registry @catalog @search @sql
Feature: The same package looks the same through every path
  A package lives in S3 as a manifest and pointers; the registry's GraphQL, the catalog pages,
  the search index and the SQL package tables are views of it. Each view must show the same revision, files, sizes, message
  and metadata as the manifest — right after a push, after an update, and after a delete. The
  search index may lag behind, but only within its deadline, and never shows a stale revision;
  SQL reads the registry directly and must agree on the very next query. quilt-mcp's two backends
  (the catalog's GraphQL, and quilt3 with the user's own credentials) are two more views: a package
  written through one reads the same through the other.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name             | content                                  |
      | file1.csv        | sample_id,reads\nS1,120\n                |
      | file2.csv        | sample_id,reads\nS2,98\nS3,77\n          |
      | extra/notes.txt  | run notes: flow cell FC-1                |

  Scenario: A new package agrees across the manifest, GraphQL, its catalog page, search and SQL
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
      | SQL package tables |

  Scenario: After an update, every path shows the new revision and none the old one
    Given Dana has created the package "consistency/check" from "data/file1.csv"
    When Dana adds "data/file2.csv, data/extra/notes.txt" to the package "consistency/check"
    Then every path shows "consistency/check" exactly as it was published:
      | path             |
      | S3 manifest      |
      | registry GraphQL |
      | catalog page     |
      | search index     |
      | SQL package tables |

  Scenario: After a delete, no path shows the package any more
    Given Dana has created the package "consistency/check" from "data/file1.csv, data/file2.csv"
    When Dana deletes the package "consistency/check"
    Then no path shows "consistency/check" any more:
      | path             |
      | S3 manifest      |
      | registry GraphQL |
      | catalog page     |
      | search index     |
      | SQL package tables |

  @mcp-both-backends
  Scenario: A package written through one of quilt-mcp's backends reads the same through the other
    When Dana creates the package "consistency/cross-backend" from "data/file1.csv, data/file2.csv" with the message "written through one backend" and the metadata:
      """
      {"study": "cross-backend", "replicates": 2, "owner": "Dana Müller"}
      """
    Then every path shows "consistency/cross-backend" exactly as it was published:
      | path                        |
      | quilt-mcp's other backend   |
      | S3 manifest                 |
      | registry GraphQL            |
      | search index                |
      | SQL package tables          |

  Scenario: A package of a whole folder lists the same files, sizes and hashes in browse, search and SQL
    When Dana packages everything under "data/" as "consistency/whole-folder"
    Then every path shows "consistency/whole-folder" exactly as it was published:
      | path               |
      | S3 manifest        |
      | search index       |
      | SQL package tables |
