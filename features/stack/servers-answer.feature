@smoke @local-only @engine-steps-only
Feature: Every server of the embedded stack answers real requests
  Before any workflow runs, each server proves it does its job on real data:
  the search engine finds what it has just indexed, and the SQL engine reads a CSV stored in S3.

  @search
  Scenario: The search engine finds only the documents that contain all the words searched for
    Given a fresh search index holding these documents:
      | key                     | content                                    |
      | genomics/run1/reads.csv | sample read counts from a genomics run     |
      | genomics/notes.md       | notes about the sequencing machine         |
      | imaging/scan-01.tif     | microscopy image of a genomics sample slide |
    When Dana searches that index for "genomics run"
    Then exactly these documents are found: "genomics/run1/reads.csv"

  @sql
  Scenario: The SQL engine reads a CSV file stored in S3
    Given Dana has uploaded these files to the folder "reads/":
      | name        | content                                 |
      | samples.csv | sample_id,reads\nS1,120\nS2,98\nS3,77\n |
    And an SQL table "reads" over the CSV files in the folder "reads/" with the columns "sample_id, reads"
    When Dana asks SQL for the number of samples and their total reads in "reads"
    Then SQL answers 3 samples and 295 reads
