/**
 * Who a connection is: the AUTH body's parser ({@link io.herald.logic.auth.AuthBodyParser}) and the
 * pluggable {@link io.herald.logic.auth.Authenticator}s, chosen by {@link
 * io.herald.logic.auth.AuthConfig#mode()} and built by {@link
 * io.herald.logic.auth.Authenticators#create}:
 *
 * <ul>
 *   <li>{@code jwt} (the production default): a signed token; the user id is its {@code sub};
 *   <li>{@code webhook}: the business service decides over HTTP; answers are briefly cached;
 *   <li>{@code trust}: goim's behaviour, the client's own mid; refused unless {@code allowTrust}.
 * </ul>
 *
 * <p>User ids are int64 {@code >= 0}; 0 is goim's anonymous connection. Refusal messages go back to
 * the client, so they never carry secrets, tokens or internal addresses.
 */
package io.herald.logic.auth;
