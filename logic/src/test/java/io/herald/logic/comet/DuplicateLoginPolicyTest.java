package io.herald.logic.comet;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.logic.session.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateLoginPolicyTest {
  private final DuplicateLoginPolicy policy = new DuplicateLoginPolicy(List.of("Android", " ios"));

  private final Session phone = new Session(7, "phone-old", "comet-a", 1, 1, "android");
  private final Session tablet = new Session(7, "tablet", "comet-b", 1, 1, "ios");
  private final Session browser = new Session(7, "tab-1", "comet-a", 1, 1, "web");

  @Test
  void aSingleLoginPlatformReplacesTheOlderConnectionOfThatPlatformOnly() {
    Session fresh = new Session(7, "phone-new", "comet-b", 2, 1, "android");
    assertThat(policy.replaced(fresh, List.of(phone, tablet, browser))).containsExactly(phone);
  }

  @Test
  void platformsAreComparedWithoutCase() {
    Session fresh = new Session(7, "tablet-2", "comet-a", 1, 1, "IOS");
    assertThat(policy.replaced(fresh, List.of(phone, tablet))).containsExactly(tablet);
  }

  @Test
  void otherPlatformsKeepSeveralConnections() {
    Session another = new Session(7, "tab-2", "comet-b", 1, 1, "web");
    assertThat(policy.replaced(another, List.of(phone, tablet, browser))).isEmpty();
  }

  @Test
  void reconnectingWithTheSameKeyReplacesNothing() {
    Session again = new Session(7, "phone-old", "comet-b", 2, 1, "android");
    assertThat(policy.replaced(again, List.of(phone))).isEmpty();
  }
}
