package io.github.serializedby.lock.redis;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts, each one atomic round trip. A lock is one hash:
 *
 * <ul>
 *   <li>{@code h:<token>}: a holder, valued with the Redis time (ms) at which its lease ends;
 *   <li>{@code mode}: {@code x} (one exclusive holder) or {@code s} (shared holders), present while held;
 *   <li>{@code w:<token>}: a waiting writer, valued with the time its marker ends. While any writer waits,
 *       new shared requests are refused, so readers cannot starve a writer.
 * </ul>
 *
 * Expired entries are dropped whenever a script looks at the hash, and the hash itself expires with its
 * last entry. Times come from Redis's own clock ({@code TIME}), never from a client's.
 */
final class LockScripts {

    private static final String PRELUDE = """
            if redis.replicate_commands then redis.replicate_commands() end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

            -- Drops expired entries; counts live holders and the waiting writers other than `self`.
            local function scan(key, self)
              local entries = redis.call('HGETALL', key)
              local holders, writers, latest, mode = 0, 0, 0, false
              for i = 1, #entries, 2 do
                local field, value = entries[i], entries[i + 1]
                if field == 'mode' then
                  mode = value
                else
                  local expiry = tonumber(value)
                  if expiry <= now then
                    redis.call('HDEL', key, field)
                  else
                    if string.sub(field, 1, 2) == 'h:' then
                      holders = holders + 1
                    elseif field ~= self then
                      writers = writers + 1
                    end
                    if expiry > latest then latest = expiry end
                  end
                end
              end
              if holders == 0 and mode then
                redis.call('HDEL', key, 'mode')
                mode = false
              end
              return holders, writers, latest, mode
            end

            -- The hash lives exactly as long as its longest entry.
            local function settle(key, latest)
              if latest == 0 then redis.call('DEL', key) else redis.call('PEXPIREAT', key, latest) end
            end
            """;

    /**
     * KEYS: hash, fence. ARGV: token, mode ({@code x} or {@code s}), lease ms, waiting writer's token (or
     * empty), writer marker ms. Returns the new fencing token (positive) when granted; otherwise minus one
     * minus the milliseconds until the entry that lives longest expires, and a waiting writer's marker is
     * set or refreshed.
     */
    static final RedisScript<Long> ACQUIRE = RedisScript.of(PRELUDE + """
            local self = 'w:' .. ARGV[4]
            local holders, writers, latest, mode = scan(KEYS[1], self)
            local free
            if ARGV[2] == 'x' then
              free = holders == 0
            else
              free = writers == 0 and (holders == 0 or mode == 's')
            end
            if free then
              local expiry = now + tonumber(ARGV[3])
              redis.call('HSET', KEYS[1], 'h:' .. ARGV[1], expiry, 'mode', ARGV[2])
              if ARGV[4] ~= '' then redis.call('HDEL', KEYS[1], self) end
              settle(KEYS[1], math.max(latest, expiry))
              return redis.call('INCR', KEYS[2])
            end
            if ARGV[4] ~= '' then
              local marker = now + tonumber(ARGV[5])
              redis.call('HSET', KEYS[1], self, marker)
              latest = math.max(latest, marker)
            end
            settle(KEYS[1], latest)
            return -1 - (latest - now)
            """, Long.class);

    /**
     * KEYS: hash. ARGV: token, channel. Returns 1 when the token held the lock, else 0. Publishes on the
     * channel when the last holder left, so that waiters try again at once.
     */
    static final RedisScript<Long> RELEASE = RedisScript.of(PRELUDE + """
            if redis.call('HDEL', KEYS[1], 'h:' .. ARGV[1]) == 0 then return 0 end
            local holders, writers, latest = scan(KEYS[1], '')
            settle(KEYS[1], latest)
            if holders == 0 then redis.call('PUBLISH', ARGV[2], 'released') end
            return 1
            """, Long.class);

    /**
     * KEYS: hash. ARGV: token, lease ms. Extends the token's lease to a full lease time from now; returns 1,
     * or 0 when the token no longer holds the lock (released, expired, or the data was lost).
     */
    static final RedisScript<Long> RENEW = RedisScript.of(PRELUDE + """
            local field = 'h:' .. ARGV[1]
            local expiry = tonumber(redis.call('HGET', KEYS[1], field) or '0')
            if expiry <= now then return 0 end
            local lease = tonumber(ARGV[2])
            redis.call('HSET', KEYS[1], field, now + lease)
            if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
            return 1
            """, Long.class);

    /**
     * KEYS: hash. ARGV: waiting writer's token, channel. Removes the writer's marker; publishes when that
     * lets shared requests in. Returns 1 when there was a marker, else 0.
     */
    static final RedisScript<Long> STOP_WAITING = RedisScript.of(PRELUDE + """
            if redis.call('HDEL', KEYS[1], 'w:' .. ARGV[1]) == 0 then return 0 end
            local holders, writers, latest, mode = scan(KEYS[1], '')
            settle(KEYS[1], latest)
            if writers == 0 and mode ~= 'x' then redis.call('PUBLISH', ARGV[2], 'writer-left') end
            return 1
            """, Long.class);

    private LockScripts() {}
}
