package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.logic.online.OnlineView;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoimInstancesTest {
  private static final CometNode NODE =
      CometNode.newBuilder()
          .setServerId("comet-sh-01")
          .setRegion("cn-east")
          .setWeight(7)
          .setTcpAddress("10.0.0.5:3101")
          .setWsAddress("ws.example:3102")
          .setWssAddress("ws.example:3103")
          .setGrpcAddress("10.0.1.5:3109")
          .setConnections(12)
          .setCapacity(50_000)
          .setState(NodeState.NODE_STATE_UP)
          .setLastRenewUnixMs(1_733_450_000_123L)
          .build();

  @Test
  void fillsGoimsDiscoveryInstanceFromTheRegistryRecord() {
    Map<String, Object> instance = GoimInstances.instance(NODE, new OnlineView.Totals(9, 12));

    assertThat(instance)
        .containsExactly(
            Map.entry("region", "cn-east"),
            Map.entry("zone", ""),
            Map.entry("env", ""),
            Map.entry("appid", "goim.comet"),
            Map.entry("hostname", "comet-sh-01"),
            Map.entry("addrs", List.of("grpc://10.0.1.5:3109")),
            Map.entry("version", ""),
            Map.entry("latest_timestamp", 1_733_450_000_123_000_000L),
            Map.entry(
                "metadata",
                Map.of(
                    "weight", "7",
                    "offline", "false",
                    "addrs", "10.0.0.5,ws.example",
                    "conn_count", "12",
                    "ip_count", "9",
                    "tcp_address", "10.0.0.5:3101",
                    "ws_address", "ws.example:3102",
                    "wss_address", "ws.example:3103",
                    "capacity", "50000",
                    "state", "up")));
  }

  @Test
  void aDrainingCometIsOfflineAndOneThatNeverReportedHasNoIps() {
    CometNode draining = NODE.toBuilder().setState(NodeState.NODE_STATE_DRAINING).build();

    @SuppressWarnings("unchecked")
    Map<String, String> metadata =
        (Map<String, String>) GoimInstances.instance(draining, null).get("metadata");

    assertThat(metadata)
        .containsEntry("offline", "true")
        .containsEntry("state", "draining")
        .containsEntry("ip_count", "0");
  }
}
