package io.herald.logic.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.proto.idgen.v1.IdLayout;
import io.herald.proto.idgen.v1.IdList;
import io.herald.proto.idgen.v1.IdRange;
import io.herald.proto.idgen.v1.IdRanges;
import io.herald.proto.idgen.v1.NextIdsResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IdGen's two NextIds answers, ranges and list, handed out id by id. */
class IdBlockTest {

  static IdRange range(long start, long end) {
    return IdRange.newBuilder().setStart(start).setEnd(end).build();
  }

  static NextIdsResponse ranges(IdRange... ranges) {
    return NextIdsResponse.newBuilder()
        .setLayout(IdLayout.ID_LAYOUT_SEGMENT)
        .setRanges(IdRanges.newBuilder().addAllRanges(List.of(ranges)))
        .build();
  }

  static NextIdsResponse list(Long... ids) {
    return NextIdsResponse.newBuilder()
        .setLayout(IdLayout.ID_LAYOUT_SNOWFLAKE)
        .setList(IdList.newBuilder().addAllIds(List.of(ids)))
        .build();
  }

  private static List<Long> drain(IdBlock block) {
    List<Long> ids = new ArrayList<>();
    while (block.remaining() > 0) {
      ids.add(block.take());
    }
    return ids;
  }

  @Test
  void rangesAreServedInOrderAcrossASegmentSwitch() {
    IdBlock block = IdBlock.of(ranges(range(98, 101), range(201, 203)));

    assertThat(block.remaining()).isEqualTo(5);
    assertThat(drain(block)).containsExactly(98L, 99L, 100L, 201L, 202L);
    assertThatThrownBy(block::take).hasMessage("block used up");
  }

  @Test
  void aListIsServedAsItCame() {
    long ms = 1L << 22;
    IdBlock block = IdBlock.of(list(ms, ms + 1, ms + 2, 2 * ms, 2 * ms + 1, 3 * ms));

    assertThat(block.remaining()).isEqualTo(6);
    assertThat(drain(block)).containsExactly(ms, ms + 1, ms + 2, 2 * ms, 2 * ms + 1, 3 * ms);
  }

  @Test
  void answersThatCouldRepeatIdsAreRefused() {
    assertThatThrownBy(() -> IdBlock.of(list(5L, 4L)))
        .hasMessage("ids not ascending and positive at range 1: [4, 5)");
    assertThatThrownBy(() -> IdBlock.of(list(5L, 5L)))
        .hasMessage("ids not ascending and positive at range 1: [5, 6)");
    assertThatThrownBy(() -> IdBlock.of(ranges(range(1, 10), range(9, 12))))
        .hasMessage("ids not ascending and positive at range 1: [9, 12)");
    assertThatThrownBy(() -> IdBlock.of(ranges(range(0, 3))))
        .hasMessage("ids not ascending and positive at range 0: [0, 3)");
    assertThatThrownBy(() -> IdBlock.of(ranges(range(7, 7))))
        .hasMessage("ids not ascending and positive at range 0: [7, 7)");
    assertThatThrownBy(() -> IdBlock.of(list())).hasMessage("no ids");
    assertThatThrownBy(() -> IdBlock.of(NextIdsResponse.getDefaultInstance()))
        .hasMessage("no ids in the answer");
  }
}
