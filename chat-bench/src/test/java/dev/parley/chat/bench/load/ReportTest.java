package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  /** A run whose first 1,000 connections also paid a one-time 50 MB, then 10 KB each. */
  private static final JsonObject CONNECT = JsonParser.parseString("""
      {"scenario":"connect","server":"s","driver":"socketio","round":"1","joined":3000,
       "memory":[{"clients":0,"heapUsedAfterGc":1000000,"rss":70000000},
                 {"clients":1000,"heapUsedAfterGc":6000000,"rss":130000000},
                 {"clients":2000,"heapUsedAfterGc":11000000,"rss":140000000},
                 {"clients":3000,"heapUsedAfterGc":16000000,"rss":150000000}]}
      """).getAsJsonObject();

  @Test
  void furtherCostPerConnectionLeavesOutTheOneTimeCostOfTheFirst() {
    assertThat(Report.marginal(CONNECT, "rss")).isCloseTo(10_000, within(0.001));
    assertThat(Report.marginal(CONNECT, "heapUsedAfterGc")).isCloseTo(5_000, within(0.001));
  }

  @Test
  void projectsFromTheLastCheckpointAtTheFurtherCost() {
    assertThat(Report.projectedRss(CONNECT, 100_000)).isCloseTo(150_000_000 + 97_000 * 10_000.0, within(1.0));
  }

  @Test
  void aSweepThatPassedItsHighestStepIsALowerBound() {
    List<JsonObject> results = List.of(
        JsonParser.parseString("""
            {"scenario":"sweep","server":"parley","driver":"socketio","round":"1",
             "maxSustainableDeliveriesPerSec":425202,"firstFailingRate":0}""").getAsJsonObject(),
        JsonParser.parseString("""
            {"scenario":"sweep","server":"peer","driver":"socketio","round":"1",
             "maxSustainableDeliveriesPerSec":82068,"firstFailingRate":1048}""").getAsJsonObject());

    String row = new Report(results, "parley", "socketio").table().lines()
        .filter(l -> l.startsWith("| Sustainable fan-out")).findFirst().orElseThrow();

    assertThat(row).contains("| ≥ 425,202 |").contains("| 82,068 |").contains("| ≥ 5.18 |");
  }
}
