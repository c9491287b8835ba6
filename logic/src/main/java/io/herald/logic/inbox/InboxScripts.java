package io.herald.logic.inbox;

import io.herald.logic.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;

/**
 * The inbox's Lua scripts; each touches the three keys of one user ({@link RedisInboxKeys}), one
 * round trip each. Epochs travel as decimal strings, never as Lua numbers.
 */
final class InboxScripts {
  private InboxScripts() {}

  /** Creates the meta in epoch {@code newEpoch} when it is gone; shared by append and read. */
  private static final String OPEN =
      """
      local function open(newEpoch, maxAgeMs)
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
        if meta[1] then
          return meta[1], tonumber(meta[2]), 0
        end
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('HSET', KEYS[1], 'epoch', newEpoch, 'seq', 0)
        redis.call('PEXPIRE', KEYS[1], maxAgeMs)
        return newEpoch, 0, 1
      end
      local function trimAge(cutoff)
        local removed = 0
        while true do
          local batch = redis.call('ZRANGE', KEYS[2], 0, 99)
          local old = 0
          for i = 1, #batch do
            local sep = string.find(batch[i], ':', 1, true)
            if tonumber(string.sub(batch[i], 1, sep - 1)) >= cutoff then
              break
            end
            old = i
          end
          if old > 0 then
            redis.call('ZREMRANGEBYRANK', KEYS[2], 0, old - 1)
            removed = removed + old
          end
          if old < 100 then
            return removed
          end
        end
      end
      """;

  /**
   * KEYS: meta, log, cursors. ARGV: newEpoch, nowMs, maxAgeMs, maxCount, acceptMs, payload. Appends
   * with the next seq, trims by count and age, refreshes the TTLs. Returns {epoch, seq, created,
   * trimmed}.
   */
  static final RedisScript APPEND =
      new RedisScript(
          OPEN
              + """
              local maxAgeMs = tonumber(ARGV[3])
              local epoch, seq, created = open(ARGV[1], maxAgeMs)
              seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
              redis.call('ZADD', KEYS[2], seq, ARGV[5] .. ':' .. seq .. ':' .. ARGV[6])
              local trimmed = 0
              local size = redis.call('ZCARD', KEYS[2])
              local maxCount = tonumber(ARGV[4])
              if size > maxCount then
                trimmed = redis.call('ZREMRANGEBYRANK', KEYS[2], 0, size - maxCount - 1)
              end
              trimmed = trimmed + trimAge(tonumber(ARGV[2]) - maxAgeMs)
              for i = 1, 3 do
                redis.call('PEXPIRE', KEYS[i], maxAgeMs)
              end
              return {epoch, seq, created, trimmed}
              """,
          ScriptOutputType.MULTI);

  /**
   * KEYS: meta, log, cursors. ARGV: newEpoch, nowMs, maxAgeMs, epoch, afterSeq, limit, cursorKey
   * ('' to read after (epoch, afterSeq); else after that device's cursor, or from the oldest).
   * Returns {epoch, oldest, latest, reset, more, created, trimmed, members...}.
   */
  static final RedisScript READ =
      new RedisScript(
          OPEN
              + """
              local epoch, latest, created = open(ARGV[1], tonumber(ARGV[3]))
              local trimmed = trimAge(tonumber(ARGV[2]) - tonumber(ARGV[3]))
              local oldest = 0
              if latest > 0 then
                local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
                if #first == 0 then
                  oldest = latest + 1
                else
                  oldest = tonumber(first[2])
                end
              end
              local wanted, after = ARGV[4], tonumber(ARGV[5])
              if ARGV[7] ~= '' then
                wanted, after = '0', 0
                local cursor = redis.call('HGET', KEYS[3], ARGV[7])
                if cursor then
                  local sep = string.find(cursor, ':', 1, true)
                  if sep and string.sub(cursor, 1, sep - 1) == epoch then
                    wanted, after = epoch, tonumber(string.sub(cursor, sep + 1))
                  end
                end
              end
              local head = {epoch, oldest, latest, 0, 0, created, trimmed}
              if wanted ~= '0' and (wanted ~= epoch or after > latest or after + 1 < oldest) then
                head[4] = 1
                return head
              end
              local limit = tonumber(ARGV[6])
              local members = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. after, '+inf',
                  'LIMIT', 0, limit + 1)
              if #members > limit then
                head[5] = 1
              end
              for i = 1, math.min(#members, limit) do
                head[#head + 1] = members[i]
              end
              return head
              """,
          ScriptOutputType.MULTI);

  /**
   * KEYS: meta, cursors. ARGV: triples of device key, epoch, seq. Moves each cursor forward when
   * its epoch is the inbox's and its seq is beyond the held one and not beyond the newest; the
   * cursors expire with the inbox. Returns how many moved.
   */
  static final RedisScript MOVE_CURSORS =
      new RedisScript(
          """
          local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
          if not meta[1] then
            return 0
          end
          local epoch, latest = meta[1], tonumber(meta[2])
          local moved = 0
          for i = 1, #ARGV, 3 do
            local seq = tonumber(ARGV[i + 2])
            if ARGV[i + 1] == epoch and seq > 0 and seq <= latest then
              local held = 0
              local cursor = redis.call('HGET', KEYS[2], ARGV[i])
              if cursor then
                local sep = string.find(cursor, ':', 1, true)
                if sep and string.sub(cursor, 1, sep - 1) == epoch then
                  held = tonumber(string.sub(cursor, sep + 1))
                end
              end
              if seq > held then
                redis.call('HSET', KEYS[2], ARGV[i], epoch .. ':' .. ARGV[i + 2])
                moved = moved + 1
              end
            end
          end
          if moved > 0 then
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl > 0 then
              redis.call('PEXPIRE', KEYS[2], ttl)
            end
          end
          return moved
          """,
          ScriptOutputType.INTEGER);
}
