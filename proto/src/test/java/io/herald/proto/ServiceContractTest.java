package io.herald.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.herald.proto.balancer.v1.BalancerGrpc;
import io.herald.proto.balancer.v1.BalancerProto;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.CometProto;
import io.herald.proto.common.v1.TypesProto;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.IdGenProto;
import io.herald.proto.im.v1.ImGrpc;
import io.herald.proto.im.v1.ImProto;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.LogicProto;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushProto;
import io.herald.proto.queue.v1.PushMsgProto;
import io.herald.proto.registry.v1.RegistryGrpc;
import io.herald.proto.registry.v1.RegistryProto;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Service names and methods that Herald's modules and business backends compile against. */
class ServiceContractTest {

  static Stream<Arguments> services() {
    return Stream.of(
        Arguments.of(
            CometGrpc.getServiceDescriptor(),
            "herald.comet.v1.Comet",
            List.of(
                "PushMsg",
                "PushMsgs",
                "BroadcastRoom",
                "Broadcast",
                "Rooms",
                "Kick",
                "Drain",
                "Resync")),
        Arguments.of(
            LogicGrpc.getServiceDescriptor(),
            "herald.logic.v1.Logic",
            List.of(
                "Connect",
                "Disconnect",
                "Heartbeat",
                "RestoreSessions",
                "JoinRooms",
                "RenewOnline",
                "Receive",
                "Ack",
                "Sync",
                "Nodes")),
        Arguments.of(
            PushGrpc.getServiceDescriptor(),
            "herald.push.v1.Push",
            List.of(
                "PushKeys",
                "PushMids",
                "PushRoom",
                "PushAll",
                "OnlineTop",
                "OnlineRoom",
                "OnlineTotal",
                "ReadInbox")),
        Arguments.of(
            BalancerGrpc.getServiceDescriptor(), "herald.balancer.v1.Balancer", List.of("Nodes")),
        Arguments.of(
            RegistryGrpc.getServiceDescriptor(),
            "herald.registry.v1.Registry",
            List.of("ListNodes", "GetNode")),
        Arguments.of(
            ImGrpc.getServiceDescriptor(),
            "herald.im.v1.Im",
            List.of("CreateGroup", "AddMembers", "RemoveMembers", "GetGroup", "Send")),
        Arguments.of(
            IdGenGrpc.getServiceDescriptor(),
            "herald.idgen.v1.IdGen",
            List.of("NextId", "NextIds", "Explain")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("services")
  void serviceHasItsUnaryMethods(
      ServiceDescriptor service, String fullName, List<String> methodNames) {
    assertThat(service.getName()).isEqualTo(fullName);
    assertThat(service.getMethods())
        .extracting(MethodDescriptor::getFullMethodName)
        .containsExactlyInAnyOrderElementsOf(
            methodNames.stream().map(method -> fullName + "/" + method).toList());
    assertThat(service.getMethods())
        .extracting(MethodDescriptor::getType)
        .containsOnly(MethodType.UNARY);
  }

  static Stream<FileDescriptor> files() {
    return Stream.of(
        TypesProto.getDescriptor(),
        CometProto.getDescriptor(),
        LogicProto.getDescriptor(),
        PushProto.getDescriptor(),
        RegistryProto.getDescriptor(),
        BalancerProto.getDescriptor(),
        IdGenProto.getDescriptor(),
        ImProto.getDescriptor(),
        PushMsgProto.getDescriptor());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void fileFollowsTheConventions(FileDescriptor file) {
    assertThat(file.getName()).startsWith("herald/").contains("/v1/");
    assertThat(file.getPackage()).matches("herald\\.[a-z]+\\.v1");
    assertThat(file.getOptions().getJavaPackage())
        .isEqualTo("io.herald.proto." + file.getPackage().substring("herald.".length()));
    assertThat(file.getOptions().getJavaMultipleFiles()).isTrue();
    assertThat(file.getDependencies())
        .extracting(FileDescriptor::getName)
        .allSatisfy(name -> assertThat(name).startsWith("herald/common/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void enumsStartWithAPrefixedUnspecifiedZero(FileDescriptor file) {
    Stream<EnumDescriptor> enums =
        Stream.concat(
            file.getEnumTypes().stream(),
            file.getMessageTypes().stream().flatMap(message -> message.getEnumTypes().stream()));
    enums.forEach(
        type -> {
          String prefix =
              type.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_";
          assertThat(type.findValueByNumber(0).getName())
              .as(type.getFullName())
              .isEqualTo(prefix + "UNSPECIFIED");
          assertThat(type.getValues())
              .allSatisfy(value -> assertThat(value.getName()).startsWith(prefix));
        });
  }
}
