@integration @tabulator @sql
Feature: A Tabulator table's life: created, found, queried, renamed and removed
  A data manager makes a package's CSV files queryable by creating a Tabulator table over them:
  the table shows in the bucket's list of tables, answers SQL with exactly the rows of those
  files, keeps answering under a new name, and is gone once deleted. An analyst queries it within
  the bucket, without naming the Tabulator catalog, or in the Tabulator catalog by the bucket's
  database.

  Background:
    Given Dana has uploaded these files to the folder "plates/":
      | name        | content                                            |
      | plate-1.csv | sample_id,tissue,reads\nP1,blood,10\nP2,lung,20\n |
      | plate-2.csv | sample_id,tissue,reads\nP3,liver,30\n             |
    And Dana has created the package "test/plates" from "plates/plate-1.csv, plates/plate-2.csv"

  Scenario: A table made over a package's CSV files is listed, keeps its rows when renamed, and is gone once deleted
    When Dana creates the Tabulator table "plates" over the CSV files of "test/plates"
    And Dana lists the bucket's Tabulator tables
    Then the tables Dana listed, like the registry's, include "plates" and not "wells"
    And within 15 seconds the Tabulator table "plates" holds exactly the rows of the CSV files in the latest revision of "test/plates"
    When Dana renames the Tabulator table "plates" to "wells"
    Then the bucket's Tabulator tables include "wells" and not "plates"
    And within 15 seconds the Tabulator table "wells" holds exactly the rows of the CSV files in the latest revision of "test/plates"
    When Dana deletes the Tabulator table "wells"
    Then the bucket's Tabulator tables include neither "plates" nor "wells"

  Scenario Outline: Rita queries a table <where> and gets exactly the rows of the package's files
    Given Dana has set up the Tabulator table "plates" over the CSV files of "test/plates"
    When Rita queries the Tabulator table "plates" <where>
    Then the answer holds exactly the rows of the CSV files of "test/plates", each with its package, file and top hash

    Examples:
      | where                                                     |
      | within the bucket                                         |
      | in the Tabulator catalog, naming the bucket's database    |
