package io.herald.logic.api;

import com.linecorp.armeria.server.ServerBuilder;
import io.herald.logic.online.OnlineView;
import io.herald.proto.logic.v1.NodesResponse;
import io.herald.registry.RegistryView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * goim's node routes, for clients (no token): {@code GET /goim/nodes/weighted?platform=} — hosts
 * best first with the ports they serve, heartbeat and backoff in goim's units (seconds) — and
 * {@code GET /goim/nodes/instances} — every Comet the registry lists, in the shape of goim's
 * discovery instances ({@link GoimInstances}), a draining one with {@code offline} "true".
 */
public final class GoimNodesHttpApi {
  private final GoimNodes nodes;
  private final RegistryView registry;
  private final GoimInstances instances;

  public GoimNodesHttpApi(GoimNodes nodes, RegistryView registry, OnlineView online) {
    this.nodes = nodes;
    this.registry = registry;
    this.instances = new GoimInstances(online);
  }

  public void bindTo(ServerBuilder server) {
    server
        .route()
        .get("/goim/nodes/weighted")
        .build(
            (ctx, req) ->
                GoimReplies.ok(
                    weighted(
                        nodes.nodes(
                            ctx.queryParams().get("platform", ""),
                            ctx.clientAddress().getHostAddress()))));
    server
        .route()
        .get("/goim/nodes/instances")
        .build((ctx, req) -> GoimReplies.ok(instances.of(registry.nodes())));
  }

  private static Map<String, Object> weighted(NodesResponse reply) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("domain", reply.getDomain());
    data.put("tcp_port", reply.getTcpPort());
    data.put("ws_port", reply.getWsPort());
    data.put("wss_port", reply.getWssPort());
    data.put("heartbeat", reply.getHeartbeat().getIntervalMs() / 1000);
    data.put("heartbeat_max", reply.getHeartbeat().getMaxMissed());
    data.put("nodes", List.copyOf(reply.getNodesList()));
    Map<String, Object> backoff = new LinkedHashMap<>();
    backoff.put("max_delay", reply.getBackoff().getMaxDelayMs() / 1000);
    backoff.put("base_delay", reply.getBackoff().getBaseDelayMs() / 1000);
    backoff.put("factor", reply.getBackoff().getFactor());
    backoff.put("jitter", reply.getBackoff().getJitter());
    data.put("backoff", backoff);
    return data;
  }
}
