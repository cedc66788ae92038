@integration @s3 @search
Feature: Removing several files in one request
  Data managers clean up with the tools they know — boto3's delete_objects, `aws s3 rm --recursive`,
  a Quilt client deleting a package — and those send one multi-object delete for many files. The
  storage must survive it, and search must learn of every file it removed.

  Background:
    Given Dana has uploaded these files to the folder "scratch/":
      | name      | content              |
      | keep.csv  | id\nkept\n           |
      | old-1.csv | id\nobsolete run 1\n |
      | old-2.csv | id\nobsolete run 2\n |
      | old-3.csv | id\nobsolete run 3\n |

  Scenario: Files removed for good in one request leave the listing and search
    Given Rita's search for "obsolete" in the folder "scratch/" finds exactly "old-1.csv, old-2.csv, old-3.csv"
    When Dana removes every version of "old-1.csv, old-2.csv, old-3.csv" from the folder "scratch/" in one request
    Then the S3 service still answers
    And the folder "scratch/" holds only "keep.csv"
    And Rita's search for "obsolete" in the folder "scratch/" finds nothing
