package io.herald.ops.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * Trace context in gRPC metadata. On a server, {@link #serverInterceptor} reads it from each call's
 * metadata and the service takes it with {@link #incoming()}; on a client, {@link
 * #clientInterceptor} writes the {@linkplain Context#current() current} context into each call's
 * metadata, so a caller makes its span current around the call. Both do nothing (no wrapper, no
 * header) for a call without trace context.
 */
public final class GrpcTracing {
  private static final io.grpc.Context.Key<Context> INCOMING =
      io.grpc.Context.key("herald-trace-context");

  private GrpcTracing() {}

  /**
   * The trace context the current call arrived with; {@link Context#root()} when it had none, or
   * outside a call behind {@link #serverInterceptor}.
   */
  public static Context incoming() {
    Context incoming = INCOMING.get();
    return incoming == null ? Context.root() : incoming;
  }

  /** Reads each call's trace context for {@link #incoming()}. */
  public static ServerInterceptor serverInterceptor(Tracing tracing) {
    MetadataCarrier carrier = new MetadataCarrier(tracing);
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context extracted = tracing.extract(headers, carrier);
        if (extracted == Context.root()) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
            io.grpc.Context.current().withValue(INCOMING, extracted), call, headers, next);
      }
    };
  }

  /** Writes the current trace context into each call's metadata, when there is one. */
  public static ClientInterceptor clientInterceptor(Tracing tracing) {
    MetadataCarrier carrier = new MetadataCarrier(tracing);
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        Context current = Context.current();
        if (current == Context.root()) {
          return next.newCall(method, options);
        }
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            tracing.inject(current, headers, carrier);
            super.start(listener, headers);
          }
        };
      }
    };
  }

  /** Metadata as the propagator's carrier, with a key made once per field it uses. */
  private static final class MetadataCarrier
      implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
    private final Map<String, Metadata.Key<String>> keys = new HashMap<>();

    MetadataCarrier(Tracing tracing) {
      for (String field : tracing.fields()) {
        keys.put(field, key(field));
      }
    }

    private Metadata.Key<String> keyOf(String field) {
      Metadata.Key<String> key = keys.get(field);
      return key != null ? key : key(field);
    }

    private static Metadata.Key<String> key(String field) {
      return Metadata.Key.of(field, Metadata.ASCII_STRING_MARSHALLER);
    }

    @Override
    public String get(Metadata carrier, String key) {
      return carrier == null ? null : carrier.get(keyOf(key));
    }

    @Override
    public void set(Metadata carrier, String key, String value) {
      if (carrier != null) {
        carrier.put(keyOf(key), value);
      }
    }
  }
}
