@performance @sql
Feature: Large SQL results stay within budget
  Fetching a large result page by page must stay within budget.

  Scenario: Fetching 10,000 rows stays within budget
    Given a table of at least 10,000 rows exists, made once per stack
    When Rita fetches 10000 rows of it with SQL
    Then all 10000 rows arrive, none truncated
    And it took no longer than the "query_10k_rows" budget
