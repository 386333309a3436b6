package io.mmaas.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Routing: a READY replica whose agent's lease lapsed is tried last, never dropped")
class RoutingLeaseTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final RoutingTable.Liveness liveness = new RoutingTable.Liveness(clock, 3_000);

  RoutingTable.Endpoint endpoint(int port, Duration leaseLeft) {
    return RoutingTable.Endpoint.of(UUID.randomUUID(), UUID.randomUUID(), "http://127.0.0.1:" + port, "key",
        clock.instant().plus(leaseLeft));
  }

  RoutingTable.Route route(List<RoutingTable.Endpoint> endpoints) {
    return new RoutingTable.Route(UUID.randomUUID(), "m", UUID.randomUUID(), UUID.randomUUID(), 1, 100,
        new JsonArray(), new JsonArray(), endpoints, new AtomicInteger(), liveness);
  }

  @Test
  @DisplayName("the only replica, its agent's lease lapsed (cut off from the agent API, the scheduler holding back): "
      + "still routed (before: 503 'no ready replica')")
  void lapsedLeaseAloneStillRouted() {
    RoutingTable.Endpoint lapsed = endpoint(9001, Duration.ofSeconds(-5));
    assertThat(route(List.of(lapsed)).live(clock.instant())).containsExactly(lapsed);
  }

  @Test
  @DisplayName("order: live leases first, then replicas the gateway could not reach, then lapsed leases (reachable "
      + "first)")
  void order() {
    RoutingTable.Endpoint live = endpoint(9001, Duration.ofSeconds(5));
    RoutingTable.Endpoint liveUnreachable = endpoint(9002, Duration.ofSeconds(5));
    RoutingTable.Endpoint lapsed = endpoint(9003, Duration.ofSeconds(-1));
    RoutingTable.Endpoint lapsedUnreachable = endpoint(9004, Duration.ofSeconds(-1));
    liveness.unreachable(liveUnreachable.replicaId());
    liveness.unreachable(lapsedUnreachable.replicaId());
    RoutingTable.Route route = route(List.of(lapsedUnreachable, lapsed, liveUnreachable, live));
    for (int i = 0; i < 4; i++) { // whatever the round-robin start
      assertThat(route.live(clock.instant())).containsExactly(live, liveUnreachable, lapsed, lapsedUnreachable);
    }
  }
}
