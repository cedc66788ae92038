@integration @s3
Feature: Content retrieval pipeline
  From a listing of a bucket folder to the bytes of a file and a link to share it:
  a data scientist inspects data where it lives, without copying it, and every view
  of a file (listing, details, content, shared link) tells the same story.

  Background:
    Given Dana has uploaded these files to the folder "data/":
      | name      | content                             |
      | file1.csv | sample_id,reads\nS1,120\nS2,98\n    |
      | file2.csv | sample_id,reads\nS3,77\n            |
      | README.md | # Test data\nTwo CSVs of read counts |

  @smoke
  Scenario: Listing a folder shows every file with its size, and each file's details agree
    When Dana lists the folder "data/"
    Then the listing of "data/" shows exactly these files:
      | name      | size |
      | README.md | 35   |
      | file1.csv | 29   |
      | file2.csv | 22   |
    When Dana looks up the details of "data/file1.csv"
    Then the size, ETag and last-modified time of "data/file1.csv" agree with the listing

  Scenario: A shared link serves exactly the stored bytes to anyone over plain HTTP
    When Dana shares "data/file1.csv" with a link valid for 5 minutes
    Then anyone opening the link gets exactly the stored bytes of "data/file1.csv", with the same size and ETag

  Scenario: A file's content type and own metadata come back exactly, in its details and through a shared link
    Given Dana has uploaded "data/plate-7.csv" as "text/csv" with the metadata:
      | key        | value             |
      | instrument | plate-reader-7    |
      | operator   | Dana Q. Scientist |
    When Rita looks up the details of "data/plate-7.csv"
    Then the details show that content type and exactly that metadata
    When Rita shares "data/plate-7.csv" with a link valid for 5 minutes
    Then anyone opening the link gets that content type and exactly that metadata

  Scenario: Reading a file returns its content, whole when it fits the byte limit
    When Dana reads the first 1000 bytes of "data/README.md"
    Then the whole content of "data/README.md" is returned, not truncated

  Scenario: Reading past the byte limit returns only the first bytes, marked as truncated
    When Rita reads the first 10 bytes of "data/file1.csv"
    Then only the first 10 bytes of "data/file1.csv" are returned, marked as truncated

  Scenario: A binary file fetched comes back intact, whole or cut at the byte limit
    Given Dana has uploaded 3000 random bytes as "data/plate-scan.bin"
    When Rita fetches the first 4096 bytes of "data/plate-scan.bin"
    Then she got all 3000 bytes of "data/plate-scan.bin", intact and not marked as cut
    When Rita fetches the first 1000 bytes of "data/plate-scan.bin"
    Then she got the first 1000 bytes of "data/plate-scan.bin", intact and marked as cut

  Scenario: Cleanup removes every file a scenario created, old versions included
    When the scenario's resources are cleaned up
    Then nothing is left in the folder "data/", not even old versions
