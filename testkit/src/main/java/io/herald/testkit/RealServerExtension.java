package io.herald.testkit;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a shared real server ({@code S}) and each test its own view of it ({@code V}, with
 * its own key prefix, topics or schema). The server starts before the first test that uses it; a
 * view is made per test, or per class when a {@code @BeforeAll} method (or a constructor) asks for
 * it, and shared by everything in that scope that asks again.
 *
 * <p>A server that is unavailable aborts (or, on CI, fails) each test from {@link #beforeEach}. A
 * parameter of a {@code @BeforeAll} or {@code @AfterAll} method then errors instead, because JUnit
 * wraps whatever a resolver throws in a {@link ParameterResolutionException}.
 */
abstract class RealServerExtension<S extends AutoCloseable, V>
    implements BeforeEachCallback, ParameterResolver {

  private static final Namespace VIEWS = Namespace.create(RealServerExtension.class);

  private final Class<S> serverType;
  private final Class<V> viewType;
  private final String name;
  private final String setupHint;

  RealServerExtension(Class<S> serverType, Class<V> viewType, String name, String setupHint) {
    this.serverType = serverType;
    this.viewType = viewType;
    this.name = name;
    this.setupHint = setupHint;
  }

  /** Starts the server, or connects to the one the environment names. */
  abstract S start(TestEnvironment env) throws StartupFailure;

  /** Makes the view for one test or class; closing the result cleans up after it. */
  abstract View<V> open(S server, ExtensionContext context) throws Exception;

  /** A view with what to do when its test or class is done. */
  record View<V>(V view, Runnable cleanup) implements AutoCloseable {
    @Override
    public void close() {
      cleanup.run();
    }
  }

  /**
   * Fails or aborts each test, not its class, when the server is unavailable: build tools report an
   * aborted class as no tests at all, an aborted test as skipped.
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    server(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == viewType;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    S server = server(context);
    View<?> view =
        context
            .getStore(VIEWS)
            .getOrComputeIfAbsent(viewType, type -> openOrThrow(server, context), View.class);
    return view.view();
  }

  private View<V> openOrThrow(S server, ExtensionContext context) {
    try {
      return open(server, context);
    } catch (Exception e) {
      throw new ParameterResolutionException(
          "cannot prepare a " + viewType.getSimpleName() + " on " + server + ": " + e, e);
    }
  }

  private S server(ExtensionContext context) {
    return SharedServers.get(
        context, serverType, name, setupHint, TestEnvironment.system(), this::start);
  }
}
