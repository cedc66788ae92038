@smoke @local-only
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
