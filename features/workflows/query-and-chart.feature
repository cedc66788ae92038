@workflow @sql @tabulator
Feature: Query and chart genomics data
  An analyst finds the genomics table among the databases, checks its columns, sums the reads
  per tissue, charts them, and publishes a dashboard package holding the data, the chart and
  the configuration that produced it; Quilt's catalog draws the chart on the package's page, as
  the package's quilt_summarize.json asks.

  Background:
    Given the genomics package is published, made once per stack
    And Dana has set up the Tabulator table "samples" over "the per-tissue CSV files of the genomics package"

  Scenario: The table is found among the databases, with its columns and types
    When Rita looks for the table "samples" among the databases and reads its schema
    Then its columns are:
      | column       | type    |
      | sample_id    | varchar |
      | tissue       | varchar |
      | reads        | bigint  |
      | tissue_file  | varchar |
      | $pkg_name    | varchar |
      | $logical_key | varchar |
      | $physical_key | varchar |
      | $top_hash    | varchar |

  Scenario: Reads per tissue become a bar chart whose bars are the SQL sums
    When Rita charts the reads per tissue of "samples" as a bar chart
    Then the chart has one bar per tissue, each as tall as its SQL sum, drawn in SVG

  @registry @mcp-cannot-name-files
  Scenario: A dashboard package holds the data, the chart and its configuration
    Given Dana has charted the reads per tissue of "samples"
    When Dana publishes the dashboard package "dashboards/reads-by-tissue" with the data, the chart and its configuration
    Then "dashboards/reads-by-tissue" holds exactly "config.json, chart/reads_by_tissue.echarts.json, chart/reads_by_tissue.svg, data/reads_by_tissue.csv", and its data and chart are what was charted

  @registry @browser
  Scenario: Summed reads become a dashboard package whose chart Quilt's catalog draws on the package's page
    Given Dana has summed the reads per tissue of "samples"
    When Dana charts the sums and publishes the chart as the dashboard package "dashboards/summarized", with a quilt_summarize.json that shows it
    Then "dashboards/summarized" lists in its quilt_summarize.json only files it holds, a chart of the SQL sums among them
    And in Quilt's catalog Rita sees that chart drawn on the page of "dashboards/summarized"
