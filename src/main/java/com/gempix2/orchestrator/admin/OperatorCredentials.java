package com.gempix2.orchestrator.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.gempix2.orchestrator.http.Tokens;

/**
 * The operator credentials of {@code GEMPIX2_OPERATOR_TOKENS}, each a name, a role and a secret. A presented token
 * is compared with every secret (as {@link Tokens} compares, in constant time), so which entry matched does not show
 * in the timing. A malformed entry stops the start, with its position and never its
 * secret in the message.
 */
final class OperatorCredentials {

    /** Reads only. */
    static final String VIEWER = "viewer";
    /** Reads, and every call that changes something. */
    static final String OPERATOR = "operator";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MIN_SECRET_LENGTH = 16;

    /** Who a token belongs to: the name is the principal, and an operator is a viewer too. */
    record Holder(String name, Set<String> roles) {
    }

    private record Entry(Holder holder, Tokens secret) {
    }

    private final List<Entry> entries;

    private OperatorCredentials(List<Entry> entries) {
        this.entries = entries;
    }

    static OperatorCredentials parse(List<String> configured) {
        List<String> given = configured.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<Entry> entries = new ArrayList<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            entries.add(entry(i + 1, given.get(i)));
            if (!secrets.add(given.get(i).split(":", 3)[2].trim())) {
                // Which holder such a token stands for is not to be guessed: a viewer might become an operator.
                throw new IllegalArgumentException("GEMPIX2_OPERATOR_TOKENS entry " + (i + 1)
                        + " has the secret of an earlier entry");
            }
        }
        return new OperatorCredentials(entries);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    Optional<Holder> holderOf(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        Holder found = null;
        for (Entry entry : entries) {
            if (entry.secret().accepts(presented)) {
                found = entry.holder();
            }
        }
        return Optional.ofNullable(found);
    }

    private static Entry entry(int position, String text) {
        String[] parts = text.split(":", 3);
        String where = "GEMPIX2_OPERATOR_TOKENS entry " + position;
        if (parts.length != 3) {
            throw new IllegalArgumentException(where + " is not name:role:secret");
        }
        if (!NAME.matcher(parts[0]).matches()) {
            throw new IllegalArgumentException(where + ": the name must be 1-64 letters, digits, '.', '_' or '-'");
        }
        // The name is not repeated in the messages below: an entry written in the wrong order has its secret there.
        Set<String> roles = switch (parts[1]) {
            case VIEWER -> Set.of(VIEWER);
            case OPERATOR -> Set.of(VIEWER, OPERATOR);
            default -> throw new IllegalArgumentException(where + ": the role (its second part) must be " + VIEWER
                    + " or " + OPERATOR);
        };
        if (parts[2].trim().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(where + ": the secret must be at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        return new Entry(new Holder(parts[0], roles), Tokens.of(List.of(parts[2])));
    }
}
