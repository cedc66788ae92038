@integration @search @catalog
Feature: From a search to the data it found
  Search is only useful if what it finds is real and current: every file it returns exists with
  the size it says, every package it returns can be browsed at the revision it names, and every
  result leads to a catalog page that opens. Nothing deleted or never written shows up.

  Background:
    Given Dana has uploaded these files to the folder "docs/":
      | name            | content                                         |
      | README.md       | Read me first: how the plate reader data is laid out |
      | plates/README.md | Plate maps for the reader runs                 |
      | plates/map.csv  | well,sample\nA1,S1\n                            |

  Scenario: Every file a search finds is a real object, and its catalog page opens
    When Dana searches the catalog for files matching "README" in the folder "docs/"
    Then exactly these files of "docs/" are found: "README.md, plates/README.md"
    And every file found is a real object of the size the search reported, as Rita sees it
    And every result's catalog page opens for Rita and shows what it names

  @registry
  Scenario: A package found by search can be browsed at the revision found, and its page opens
    Given Dana has created the package "search/plate-reader" from "docs/README.md, docs/plates/map.csv"
    When Rita searches the catalog for packages matching "plate"
    Then the package "search/plate-reader" is found at its latest revision
    And Rita can browse "search/plate-reader" from the search result, and its revision page opens
