@integration @tabulator @sql
Feature: A Tabulator table follows the registry by itself
  A Tabulator table is a view over the latest revision of the packages it matches. When a data
  manager publishes a new revision, the next queries show its files without anyone refreshing
  anything: keeping the table fresh is the platform's job, never its users'.

  Scenario: A new revision's files show in a Tabulator table without anyone refreshing it
    Given Dana has uploaded these files to the folder "plates/":
      | name        | content                                            |
      | plate-1.csv | sample_id,tissue,reads\nP1,blood,10\nP2,lung,20\n |
      | plate-2.csv | sample_id,tissue,reads\nP3,liver,30\n             |
    And Dana has created the package "test/plates" from "plates/plate-1.csv"
    And Dana has set up the Tabulator table "plates" over the CSV files of "test/plates"
    When Dana adds "plates/plate-2.csv" to the package "test/plates"
    Then within 15 seconds the Tabulator table "plates" holds exactly the rows of the CSV files in the latest revision of "test/plates"
