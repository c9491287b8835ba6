/**
 * Bearer tokens as every Herald server checks them ({@link io.herald.ops.auth.BearerToken}): read
 * from an {@code Authorization} value, kept and compared as SHA-256 digests in constant time, and
 * checked when configured.
 */
package io.herald.ops.auth;
