package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.accepted;
import static io.herald.logic.auth.AuthAssertions.refusal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TrustAuthenticatorTest {
  @Test
  void refusedUnlessExplicitlyEnabled() {
    assertThatThrownBy(() -> new TrustAuthenticator(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("any client claim any mid")
        .hasMessageContaining("set auth.allowTrust: true");
  }

  @Test
  void theConfigRefusesTrustWithoutAllowTrust() {
    assertThatThrownBy(
            () ->
                new AuthConfig(
                    AuthConfig.TRUST, false, false, JwtConfig.defaults(), WebhookConfig.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("mode: trust (expected: jwt or webhook;")
        .hasMessageContaining("set allowTrust: true");
  }

  @Test
  void whenEnabledTheMidInTheBodyIsBelieved() throws Exception {
    Authenticator trust = new TrustAuthenticator(true);
    AuthBody goim =
        AuthBodyParser.parse(
            "{\"mid\":123,\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000]}"
                .getBytes(UTF_8),
            "127.0.0.1");

    assertThat(accepted(trust.authenticate(goim))).isEqualTo(new Identity(123));
  }

  @Test
  void midZeroIsAnonymousAndANegativeMidIsRefused() throws Exception {
    Authenticator trust = new TrustAuthenticator(true);

    assertThat(accepted(trust.authenticate(request(0)))).isEqualTo(new Identity(0));
    AuthException refused = refusal(trust.authenticate(request(-1)));
    assertThat(refused.reason()).isEqualTo(AuthException.Reason.MALFORMED);
    assertThat(refused).hasMessageStartingWith("mid: negative");
  }

  @Test
  void enablingItWarns() {
    Logger logger = (Logger) LoggerFactory.getLogger(TrustAuthenticator.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      new TrustAuthenticator(true);
    } finally {
      logger.detachAppender(events);
    }

    assertThat(events.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .isEqualTo(
                      "trust mode: any client may claim any mid; for development and standalone"
                          + " only");
            });
  }

  /**
   * A client elsewhere reaching a trusting Logic through a Comet that listens on every interface
   * could claim any user: refused, unless trust is forced beyond loopback.
   */
  @Test
  void believesClientsOnThisMachineOnlyUnlessForced() throws Exception {
    Authenticator trust = new TrustAuthenticator(true);
    Authenticator forced = new TrustAuthenticator(true, true);

    for (String local : List.of("127.0.0.1", "127.0.0.2", "::1")) {
      assertThat(accepted(trust.authenticate(request(5, local)))).isEqualTo(new Identity(5));
    }
    for (String remote : List.of("10.0.0.1", "203.0.113.9", "2001:db8::1", "")) {
      AuthException refused = refusal(trust.authenticate(request(5, remote)));
      assertThat(refused.reason()).as(remote).isEqualTo(AuthException.Reason.UNAUTHENTICATED);
      assertThat(refused).hasMessage("trust mode: clients on the server's own machine only");
      assertThat(accepted(forced.authenticate(request(5, remote)))).isEqualTo(new Identity(5));
    }
  }

  @Test
  void theFirstRefusedRemoteClientIsWarnedOfWithTheSettingToChange() {
    Logger logger = (Logger) LoggerFactory.getLogger(TrustAuthenticator.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    Authenticator trust = new TrustAuthenticator(true);
    events.start();
    logger.addAppender(events);
    try {
      refusal(trust.authenticate(request(5, "10.0.0.1")));
      refusal(trust.authenticate(request(6, "10.0.0.2")));
    } finally {
      logger.detachAppender(events);
    }

    assertThat(events.list)
        .filteredOn(event -> event.getLevel() == Level.WARN)
        .singleElement()
        .extracting(ILoggingEvent::getFormattedMessage)
        .asString()
        .contains("10.0.0.1", "auth.allowTrustBeyondLoopback: true");
  }

  private static AuthBody request(long mid) {
    return request(mid, "127.0.0.1");
  }

  private static AuthBody request(long mid, String clientIp) {
    return new AuthBody(mid, "", "", "web", List.of(), "", clientIp);
  }
}
