@errors
Feature: Deadlines are kept, and only failures that may pass are retried
  Nothing waits forever: an operation that outlives its deadline is aborted, says it timed out
  and what to do next, and the service still answers afterwards. A failure that may pass (the
  service restarting) is retried with growing pauses; a refusal is reported at once.

  @s3 @engine-steps-only
  Scenario: Fetching a large file past its deadline is aborted, and the file is intact
    Given the test bucket holds a 64 MiB file, made once per stack
    When Rita fetches that whole file with a deadline of 30 milliseconds
    Then the fetch is aborted at its deadline of 30 milliseconds with a timeout error that suggests what to do
    And with a generous deadline Rita fetches all of it

  @search @catalog @engine-steps-only
  Scenario: A search past its deadline is abandoned cleanly, and search still answers
    Given the test bucket holds a folder of 10,000 small files, made once per stack
    When Rita runs an expensive search with a deadline of 5 milliseconds
    Then the search is abandoned at its deadline of 5 milliseconds with a timeout error that suggests what to do
    And an ordinary search by Rita still answers right away

  @search @catalog @serial @local-only @engine-steps-only
  Scenario: A search while the catalog restarts succeeds after retries with backoff
    Given the catalog has just been stopped and is starting again
    When Rita searches the catalog, retrying failures that may pass
    Then the search succeeds once the catalog is back, after retries with growing pauses for refused connections

  @search @catalog @auth
  Scenario: A refusal is not retried
    When Otto searches the test bucket, retrying failures that may pass
    Then the refusal (403) is reported at once, without a single retry

  @sql @engine-steps-only
  Scenario: A SQL query past its deadline is cancelled on the server
    When Rita runs a very expensive SQL query with a deadline of 2 seconds
    Then the query is stopped at its deadline of 2 seconds with a timeout error that suggests what to do
    And the query is cancelled on the server, not left running
