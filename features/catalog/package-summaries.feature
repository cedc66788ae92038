@catalog @registry @browser
Feature: A documented package shows its README and its summary in Quilt's catalog
  A data manager documents a package for its readers: a README saying what it holds, and a
  quilt_summarize.json that lays out its files on the package's page. Quilt's catalog reads that
  file in Quilt's format (a list of files, each with a title and how to show it); a summary it
  cannot read shows as an error instead of the files. An AI agent does the same with quilt-mcp's
  summary tools, all at once or step by step.

  Background:
    Given Dana has uploaded these files to the folder "plates/":
      | name        | content                                |
      | plate-1.csv | sample_id,reads\nP1,10\nP2,20\n        |
      | plate-2.csv | sample_id,reads\nP3,30\n               |
    And Dana has created the package "test/documented" from "plates/plate-1.csv, plates/plate-2.csv"

  Scenario Outline: A package documented <way> shows its README and a section for each file of its summary
    When Dana documents "test/documented" with a README and a summary of its files, <way>
    Then "test/documented" holds "plate-1.csv, plate-2.csv", a README.md as written and a quilt_summarize.json listing only files it holds
    And in Quilt's catalog Rita sees the README and a section for each file of the summary on the page of "test/documented"

    Examples:
      | way          |
      | all at once  |
      | step by step |
