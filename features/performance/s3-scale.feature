@performance @s3
Feature: Large folders and concurrent reads stay within their budgets
  Browsing real data must stay quick at scale: a folder of ten thousand files lists within
  budget, concurrent look-ups do not slow each other down, and deep package trees browse fast.
  Each scenario attaches its measured figure and budget to the report (see the run summary).
  Budgets are the spec's by default; set QUILT_E2E_BUDGET_<NAME> to change one for a target.

  Background:
    Given the test bucket holds a folder of 10,000 small files, made once per stack

  Scenario: Listing 10,000 files page by page stays within budget
    When Dana lists all 10,000 files of that folder, page by page
    Then all 10,000 files are listed, none twice
    And it took no longer than the "list_10k_objects" budget

  Scenario: Twenty look-ups at once stay within budget and agree with the listing
    When Rita looks up the details of 20 of those files at once, 5 at a time
    Then all 20 answers agree with the listing
    And it took no longer than the "parallel_heads" budget

  Scenario: Browsing a deep package tree stays within budget
    Given Dana has published the package "perf/deep-tree" with files 12 folders deep, 10 per folder
    When Rita browses the deepest folder of "perf/deep-tree", 12 levels down
    Then that folder shows its 10 files, in a package of 120 files
    And it took no longer than the "deep_browse" budget
