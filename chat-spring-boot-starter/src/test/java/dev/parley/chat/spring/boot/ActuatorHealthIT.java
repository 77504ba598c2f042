package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** docs/spring-boot.md's example application reports the server's health at /actuator/health/parley (Spring Boot 4). */
class ActuatorHealthIT {

  @Test
  void actuatorServesTheParleyIndicatorWithItsParts() throws Exception {
    try (ConfigurableApplicationContext app = SpringBootApplicationIT.run()) {
      String managementPort = app.getEnvironment().getProperty("local.server.port");
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/parley")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      JSONObject body = new JSONObject(health.body());
      assertThat(body.getString("status")).isEqualTo("UP");
      JSONObject details = body.getJSONObject("details");
      for (String part : new String[] {"server", "store", "cluster", "transport"}) {
        assertThat(details.getJSONObject(part).getString("status")).as(part).isEqualTo("UP");
      }
    }
  }
}
