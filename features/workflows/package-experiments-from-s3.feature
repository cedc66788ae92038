@workflow @registry
Feature: Package experiments from S3
  A scientist's instrument writes runs into a bucket folder. The data manager first makes sure
  she may read and write there, then turns the whole folder into a package that keeps its
  structure: one entry per file, each keyed by its path inside the folder. Folders larger than
  one listing page (1,000 keys) are listed page by page.

  Scenario: A folder of more than a thousand experiment files becomes a package that mirrors it
    Given Dana has uploaded 1050 experiment files in 3 run folders to "experiments/2026/"
    When Dana checks what she may do in the test bucket
    Then the access check reports "full_access": list yes, read yes, write yes
    When Dana packages everything under "experiments/2026/" as "experiments/genomics-2026"
    Then "experiments/genomics-2026" has one entry per file of "experiments/2026/", 1050 in all, keyed by their paths inside the folder
