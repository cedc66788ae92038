@workflow @search @catalog
Feature: Find genomics CSVs
  A scientist looks for every CSV file of the genomics experiments: she searches, makes sure she
  may read where the results live, looks around them, previews their content, and shares a
  report of catalog links. Only genomics CSVs are found — not other CSVs, not genomics notes.

  Background:
    Given Dana has uploaded these files to the folder "lab/":
      | name                     | content                                     |
      | genomics/run1/reads.csv  | sample_id,reads,assay\nS1,120,genomics\n    |
      | genomics/run2/reads.csv  | sample_id,reads,assay\nS7,98,genomics\n     |
      | genomics/run1/notes.md   | genomics run notes: flow cell replaced      |
      | imaging/plates.csv       | plate,wells\nP1,96\n                        |

  Scenario: A search for genomics CSVs finds exactly them, and each result is readable, previewable and linked
    When Rita searches the catalog for files matching "genomics csv" in the folder "lab/"
    Then exactly these files of "lab/" are found: "genomics/run1/reads.csv, genomics/run2/reads.csv"
    And Rita may read every bucket the results come from
    And listing around each result shows it among its neighbours
    And a preview of the first 500 bytes of each result shows its content
    And a report lists a catalog link for each result, and every link opens
