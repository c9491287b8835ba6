package io.herald.ops.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Trace context through gRPC metadata, client to server, with tracing off (no SDK). */
class GrpcTracingTest {
  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };

  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Echo/Echo")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();

  private final Tracing tracing = Tracing.off();
  private final AtomicReference<Context> seen = new AtomicReference<>();
  private final AtomicReference<Metadata> headers = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  private Channel start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerInterceptor recordHeaders =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
            headers.set(metadata);
            return next.startCall(call, metadata);
          }
        };
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      seen.set(GrpcTracing.incoming());
                      response.onNext(request);
                      response.onCompleted();
                    }))
            .build();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    echo, GrpcTracing.serverInterceptor(tracing), recordHeaders))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    ClientInterceptor client = GrpcTracing.clientInterceptor(tracing);
    return ClientInterceptors.intercept(channel, client);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void theCurrentSpansContextReachesTheServer() throws Exception {
    Channel traced = start();
    SpanContext parent =
        SpanContext.createFromRemoteParent(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    Span span = tracing.start("call", SpanKind.CLIENT, Context.root().with(Span.wrap(parent)));
    try (Scope current = span.makeCurrent()) {
      assertThat(call(traced)).isEqualTo("hi");
    }

    assertThat(headers.get().get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(Span.fromContext(seen.get()).getSpanContext().getTraceId())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void aCallWithoutTraceContextCarriesNoHeader() throws Exception {
    Channel traced = start();
    assertThat(call(traced)).isEqualTo("hi");

    assertThat(
            headers
                .get()
                .containsKey(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER)))
        .isFalse();
    assertThat(seen.get()).isSameAs(Context.root());
  }

  private static String call(Channel channel) {
    ClientCall<String, String> call = channel.newCall(ECHO, CallOptions.DEFAULT);
    return ClientCalls.blockingUnaryCall(call, "hi");
  }
}
