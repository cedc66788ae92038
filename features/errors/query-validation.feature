@errors @sql
Feature: A query is checked before it runs
  An analyst, or an agent writing SQL for one, asks whether a query is sound before running it: a
  broken query is refused with the reason, so that it can be fixed; a sound one is accepted, so
  that nobody is sent away from a query that would have run.

  Scenario Outline: A broken query is refused with what is wrong with it: <query>
    When Rita has the query "<query>" checked before running it
    Then the query is refused, the reason naming "<words>"

    Examples:
      | query                          | words                                  |
      | SELEC 1                        | SELEC or must start with SELECT        |
      | SELECT sample_id FROM WHERE x  | WHERE or FROM                          |

  Scenario Outline: A sound query is accepted: <query>
    When Rita has the query "<query>" checked before running it
    Then the query is accepted

    Examples:
      | query                                     |
      | SELECT 1                                  |
      | SELECT table_name FROM information_schema.tables LIMIT 1 |
