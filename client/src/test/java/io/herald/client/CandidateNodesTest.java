package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The nodes each round of the node walk tries (without a Balancer: BalancerNodes is HTTP). */
class CandidateNodesTest {

  @Test
  void aRoundTriesTheConfiguredNodesInOrderUpToTheLimit() {
    CandidateNodes candidates = new CandidateNodes(null, List.of("a:1", "b:1", "c:1"), 2);
    assertThat(candidates.next()).isCompletedWithValue(List.of("a:1", "b:1"));
    assertThat(candidates.next()).isCompletedWithValue(List.of("a:1", "b:1"));
  }

  @Test
  void hintsComeFirstWithoutDuplicatesAndServeOneRound() {
    CandidateNodes candidates = new CandidateNodes(null, List.of("a:1", "b:1"), 5);
    candidates.hint(List.of("h:1", "b:1"));
    assertThat(candidates.next()).isCompletedWithValue(List.of("h:1", "b:1", "a:1"));
    assertThat(candidates.next()).isCompletedWithValue(List.of("a:1", "b:1"));
  }

  @Test
  void hintsCountAgainstTheLimitToo() {
    CandidateNodes candidates = new CandidateNodes(null, List.of("a:1"), 2);
    candidates.hint(List.of("h:1", "h:2", "h:3"));
    assertThat(candidates.next()).isCompletedWithValue(List.of("h:1", "h:2"));
  }
}
