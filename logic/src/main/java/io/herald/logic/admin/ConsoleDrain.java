package io.herald.logic.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpStatus;
import io.herald.logic.comet.CometClients;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * {@code POST /herald/admin/api/comets/{serverId}/drain}: drains one Comet through its own gRPC
 * {@code Drain} — it turns DRAINING in the registry at once, accepts no new connection, tells its
 * clients to reconnect elsewhere (they ask the Balancer) over the grace period and closes the rest
 * at its end. The request body is empty or {@code {"grace_seconds": 60}} (1-600; absent: the
 * Comet's own {@code drain} setting). The answer is the Comet's:
 *
 * <pre>{@code
 * {"server_id":"comet-sh-01","state":"draining","connections":12,
 *  "deadline_unix_ms":1733450060000,"already_draining":false}
 * }</pre>
 *
 * A second drain changes nothing and answers {@code already_draining: true} with the first
 * deadline. An unregistered Comet is 404; one that does not answer, or refuses the token, 502 with
 * its reason.
 */
final class ConsoleDrain {
  /** The longest grace the Comet accepts. */
  static final int MAX_GRACE_SECONDS = 600;

  private final RegistryView registry;
  private final CometClients comets;
  private final String cometToken;

  /**
   * @param cometToken sent with each drain as the Comet's admin token ({@code admin.cometToken});
   *     empty: none
   */
  ConsoleDrain(RegistryView registry, CometClients comets, String cometToken) {
    this.registry = registry;
    this.comets = comets;
    this.cometToken = cometToken;
  }

  CompletableFuture<Map<String, Object>> drain(String serverId, JsonNode request) {
    Duration grace = grace(request);
    CometNode node =
        registry
            .node(serverId)
            .orElseThrow(
                () ->
                    new AdminException(
                        HttpStatus.NOT_FOUND,
                        "comet: '"
                            + serverId
                            + "' is not registered (registered: "
                            + registered()
                            + ")"));
    return comets
        .drain(node.getServerId(), grace, cometToken)
        .thenApply(
            response -> {
              Map<String, Object> answer = new LinkedHashMap<>();
              answer.put("server_id", node.getServerId());
              answer.put("state", "draining");
              answer.put("connections", response.getConnections());
              answer.put("deadline_unix_ms", response.getDeadlineUnixMs());
              answer.put("already_draining", response.getAlreadyDraining());
              return answer;
            });
  }

  /** The grace asked for, or zero for the Comet's own. */
  static Duration grace(JsonNode request) {
    JsonNode grace = request.get("grace_seconds");
    if (grace == null || grace.isNull()) {
      return Duration.ZERO;
    }
    if (!grace.isIntegralNumber()
        || !grace.canConvertToInt()
        || grace.intValue() < 1
        || grace.intValue() > MAX_GRACE_SECONDS) {
      throw AdminException.badRequest(
          "grace_seconds",
          ConsolePush.shown(grace),
          "an integer, 1-" + MAX_GRACE_SECONDS + ", or absent for the Comet's own drain setting");
    }
    return Duration.ofSeconds(grace.intValue());
  }

  private String registered() {
    String ids =
        registry.nodes().stream().map(CometNode::getServerId).collect(Collectors.joining(", "));
    return ids.isEmpty() ? "none" : ids;
  }
}
