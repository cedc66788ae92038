@integration @tabulator @sql
Feature: Tabulator and SQL give the same answers as the registry
  A Tabulator table turns the CSV files inside packages into one SQL table. What it returns must
  be exactly the rows of the files it matches, in the latest revision, and the package tables
  that SQL offers over the registry must list exactly those files.

  Background:
    Given the genomics package is published, made once per stack
    And Dana has set up the Tabulator table "samples" over "the per-tissue CSV files of the genomics package"

  Scenario: A Tabulator table holds exactly the rows of the files it matches
    When Rita queries the Tabulator table "samples"
    Then it holds exactly the rows of the files it matches, each with its package, file and top hash
    And the package entry table lists exactly those files at that top hash, with their sizes and hashes

  Scenario: An aggregate over a Tabulator table agrees with the data in the files
    When Rita sums the reads per tissue in "samples" with SQL
    Then each tissue's sum equals the sum of its samples' reads
