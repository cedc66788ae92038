@search @mcp-search-helpers
Feature: An AI agent phrases its search with quilt-mcp's helpers
  Before searching, an agent may ask quilt-mcp to complete a half-typed search and to explain how a
  search would run: what it takes the search to be looking for, and where it would run it. Those
  answers should lead to the search the user meant, and every part of an explanation should say
  why.

  Scenario: Suggestions complete a half-typed search, and the explanation says what it would look for, where and why
    When Rita asks quilt-mcp to complete the search "CSV fil"
    Then among its suggestions is "CSV files", for files of type "csv"
    When Rita asks quilt-mcp how the search "CSV files in plates" would run
    Then the explanation takes it as a search for "csv" files with the keywords "csv, plates", run on "elasticsearch" first, with a reason for each backend it names
