package io.herald.logic.auth;

/**
 * Who an authenticator decided a connection is.
 *
 * @param mid the user id Logic records the session under
 */
public record Identity(long mid) {}
