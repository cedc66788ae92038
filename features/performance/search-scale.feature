@performance @search @catalog
Feature: Search stays fast over a large index
  Searching ten thousand indexed files must stay interactive: a search that returns a thousand
  results, and several people searching at the same time, each within budget.

  Background:
    Given the test bucket holds a folder of 10,000 small files, made once per stack
    And the search index holds all 10,000 of them

  Scenario: A search returning 1,000 results stays within budget
    When Rita searches that folder through the catalog for up to 1000 files matching "genomics"
    Then 1000 distinct files of that folder come back, out of exactly as many matches as S3 lists files there
    And it took no longer than the "search_1000_results" budget

  Scenario: Five searches at the same time stay within budget
    When Rita runs these searches of that folder at the same time: "genomics, sample_id, reads, assay, csv"
    Then all 5 searches answer with files of that folder
    And it took no longer than the "parallel_searches" budget
