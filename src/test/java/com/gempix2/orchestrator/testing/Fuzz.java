package com.gempix2.orchestrator.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated hostile input for the fuzz tests: seeded, so that a failure names the case and the same
 * seed replays it ({@code -Dfuzz.seed=...}).
 */
public final class Fuzz {

    /** The seed of every fuzz test in this run. */
    public static final long SEED = Long.getLong("fuzz.seed", 20261129L);

    private Fuzz() {
    }

    public static Random random(String test) {
        return new Random(SEED ^ test.hashCode());
    }

    /** Any string: ASCII, control characters, surrogates, emoji, long runs. */
    public static String string(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(switch (random.nextInt(6)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> (char) (0xD800 + random.nextInt(0x800));
                case 2 -> "\uD83D\uDE00";
                case 3 -> (char) (0x80 + random.nextInt(0x700));
                default -> (char) (0x20 + random.nextInt(0x5F));
            });
        }
        return text.toString();
    }

    public static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A JSON-able object whose keys are mostly {@code fields}, each with a value of a right or a wrong type. */
    public static Map<String, Object> object(Random random, List<String> fields, List<Object> likelyValues,
            int maxSize) {
        Map<String, Object> object = new LinkedHashMap<>();
        int size = random.nextInt(maxSize + 1);
        for (int i = 0; i < size; i++) {
            String key = random.nextInt(5) == 0 ? string(random, 12) : fields.get(random.nextInt(fields.size()));
            object.put(key, value(random, likelyValues, 3));
        }
        return object;
    }

    private static Object value(Random random, List<Object> likelyValues, int depth) {
        return switch (random.nextInt(depth > 0 ? 8 : 5)) {
            case 0, 1 -> likelyValues.get(random.nextInt(likelyValues.size()));
            case 2 -> string(random, 60);
            case 3 -> random.nextInt(3) == 0 ? null : random.nextLong();
            case 4 -> random.nextBoolean();
            case 5 -> random.nextDouble() * 1e9;
            case 6 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(random, likelyValues, depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> nested = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    nested.put(random.nextBoolean() ? "url" : string(random, 8),
                            value(random, likelyValues, depth - 1));
                }
                yield nested;
            }
        };
    }
}
