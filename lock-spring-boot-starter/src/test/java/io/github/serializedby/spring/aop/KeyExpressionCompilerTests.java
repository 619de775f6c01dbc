package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockException;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.LockKeyEvaluationException;
import io.github.serializedby.spring.NullLockKeyException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.expression.spel.standard.SpelExpressionParser;

class KeyExpressionCompilerTests {

    private static final Method METHOD = method();

    private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
    private final KeyExpressionCompiler compiler;

    KeyExpressionCompilerTests() {
        beanFactory.registerSingleton("tenants", new Tenants());
        compiler = new KeyExpressionCompiler(beanFactory);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "#id",
                "#p0",
                "#a0",
                " #id ",
                "#request",
                "#request.accountId",
                "#request.owner.name",
                "#request.active",
                "#request.amount",
                "#flag",
                "#p2",
                "#point.x"
            })
    void simpleKeysTakeTheFastPathAndGiveWhatSpelGives(String source) {
        KeyExpression compiled = compiler.compile(source, METHOD);
        SpelKeyExpression spel = new SpelKeyExpression(
                source,
                new SpelExpressionParser().parseExpression(source),
                METHOD,
                new DefaultParameterNameDiscoverer(),
                null);

        assertThat(compiled).isInstanceOf(ArgumentKeyExpression.class);
        for (Object[] arguments : argumentSets()) {
            assertThat(compiled.evaluate(arguments, this))
                    .as("%s with %s", source, java.util.Arrays.toString(arguments))
                    .isEqualTo(spel.evaluate(arguments, this));
        }
    }

    @Test
    void otherExpressionsAreEvaluatedBySpel() {
        Object[] arguments = {"p-1", new Request("acc-9", new Owner("ann"), true, 5), Flag.RED, new Point(1, 2)};

        assertThat(evaluate("#id + ':' + #flag", arguments)).isEqualTo("p-1:RED");
        assertThat(evaluate("'fixed'", arguments)).isEqualTo("fixed");
        assertThat(evaluate("@tenants.current()", arguments)).isEqualTo("tenant-7");
        assertThat(evaluate("#request.owner.name.toUpperCase()", arguments)).isEqualTo("ANN");
        assertThat(compiler.compile("#id + ':' + #flag", METHOD)).isInstanceOf(SpelKeyExpression.class);
    }

    @Test
    void recordComponentsAreReadThroughSpel() {
        Object[] arguments = {"p-1", null, Flag.RED, new Point(3, 4)};

        assertThat(evaluate("#point.x", arguments)).isEqualTo(3);
    }

    @Test
    void aNullAlongThePathGivesNullOnBothPaths() {
        Object[] arguments = {"p-1", new Request("acc", null, false, 1), Flag.RED, null};

        assertThat(evaluate("#request.owner.name", arguments)).isNull();
        assertThat(evaluate("#request.owner.name.toUpperCase()", arguments)).isNull();
        assertThat(evaluate("#point.x", arguments)).isNull();
    }

    @Test
    void unknownVariablesAreRefusedNamingTheParameters() {
        assertThatThrownBy(() -> compiler.compile("#paymentId", METHOD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'#paymentId'")
                .hasMessageContaining("[id, request, flag, point]");
        assertThatThrownBy(() -> compiler.compile("#p9", METHOD)).isInstanceOf(IllegalArgumentException.class);
    }

    /** SpEL knows #p0, #p1...: a position it would not find, and so evaluate to null, is refused too. */
    @Test
    void positionsSpelDoesNotKnowAreRefusedNamingTheExpression() {
        assertThatThrownBy(() -> compiler.compile("#p99999999999", METHOD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key expression '#p99999999999'")
                .hasMessageContaining("'#p99999999999', which is no parameter");
        assertThatThrownBy(() -> compiler.compile("#p01 + '-x'", METHOD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'#p01', which is no parameter");
    }

    @Test
    void keysAreTurnedIntoTextPredictably() {
        assertThat(keysOf(42)).containsExactly("42");
        assertThat(keysOf(42L)).containsExactly("42");
        assertThat(keysOf(new BigDecimal("1E+3"))).containsExactly("1000");
        assertThat(keysOf(Flag.RED)).containsExactly("RED");
        UUID uuid = UUID.fromString("7d444840-9dc0-11d1-b245-5ffdce74fad2");
        assertThat(keysOf(uuid)).containsExactly("7d444840-9dc0-11d1-b245-5ffdce74fad2");
        assertThat(keysOf(new Point(1, 2))).containsExactly("Point[x=1, y=2]");
        assertThat(keysOf(Optional.of("a"))).containsExactly("a");
        assertThat(keysOf(List.of("b", "a"))).containsExactly("b", "a");
        assertThat(keysOf(new long[] {3, 1})).containsExactly("3", "1");
    }

    @Test
    void nullBlankAndEmptyValuesGiveNoKey() {
        assertThat(KeyText.addKeys(null, new ArrayList<>())).isFalse();
        assertThat(KeyText.addKeys("  ", new ArrayList<>())).isFalse();
        assertThat(KeyText.addKeys(List.of(), new ArrayList<>())).isFalse();
        assertThat(KeyText.addKeys(Optional.empty(), new ArrayList<>())).isFalse();
        assertThat(KeyText.addKeys(java.util.Arrays.asList("a", null), new ArrayList<>()))
                .isFalse();
    }

    @Test
    void aNullKeyIsRefusedNamingTheExpressionAndTheMethod() {
        LockedMethod locked = new LockedMethod(
                "payments",
                new LockSettings(LockPolicy.WAIT, Duration.ofSeconds(1), LockMode.EXCLUSIVE, WaitLimits.UNBOUNDED),
                List.of(compiler.compile("#request.accountId", METHOD)),
                "Sample.call(String, Request, Flag, Point)",
                ReturnKind.VALUE,
                LeaseParameter.NONE,
                false);

        assertThatThrownBy(() -> locked.specFor(new Object[] {"p", null, Flag.RED, null}, this))
                .isInstanceOf(NullLockKeyException.class)
                .hasMessageContaining("'#request.accountId'")
                .hasMessageContaining("Sample.call(String, Request, Flag, Point)");
        assertThat(locked.specFor(new Object[] {"p", new Request("acc-1", null, true, 1), Flag.RED, null}, this)
                        .keys())
                .containsExactly("acc-1");
    }

    /**
     * An expression that SpEL cannot evaluate is a programming error, not a client's: the method does not
     * run, and the failure names the method, the expression and the lock, never the values it read (which
     * the cause's own message may hold).
     */
    @ParameterizedTest
    @ValueSource(strings = {"#request.noSuchProperty", "#flag.noSuchProperty", "#id + #request.noSuchMethod()"})
    void aKeyExpressionThatFailsIsRefusedNamingTheMethodAndTheExpressionNotTheValues(String source) {
        LockedMethod locked = new LockedMethod(
                "payments",
                new LockSettings(LockPolicy.WAIT, Duration.ofSeconds(1), LockMode.EXCLUSIVE, WaitLimits.UNBOUNDED),
                List.of(compiler.compile(source, METHOD)),
                "Sample.call(String, Request, Flag, Point)",
                ReturnKind.VALUE,
                LeaseParameter.NONE,
                false);
        Object[] arguments = {"secret-id", new Request("secret-account", null, true, 1), Flag.RED, null};
        AtomicBoolean ran = new AtomicBoolean();

        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> locked.execute(new LockExecutor(new InMemoryLockProvider()), arguments, this, () -> {
                    ran.set(true);
                    return "ran";
                }),
                () -> locked.specFor(arguments, this))) {
            assertThatThrownBy(call)
                    .isInstanceOfSatisfying(LockKeyEvaluationException.class, e -> {
                        assertThat(e.expression()).isEqualTo(source);
                        assertThat(e.lockName()).isEqualTo("payments");
                        assertThat(e.methodDescription()).isEqualTo("Sample.call(String, Request, Flag, Point)");
                    })
                    .isNotInstanceOf(LockException.class)
                    .hasMessageContaining("'" + source + "'")
                    .hasMessageContaining("Sample.call(String, Request, Flag, Point)")
                    .hasMessageNotContaining("secret-")
                    .hasCauseInstanceOf(RuntimeException.class);
        }
        assertThat(ran).isFalse();
    }

    /**
     * An exception thrown by the application's code an expression calls (a getter, a bean, a parser) is the
     * application's, as if the method had thrown it before locking: it reaches the application's own
     * handlers unchanged, so a not-found stays a not-found; the method does not run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"T(java.util.UUID).fromString(#id)", "#request.secret"})
    void anExceptionOfTheCodeAnExpressionCallsIsThrownAsItIs(String source) {
        LockedMethod locked = new LockedMethod(
                "payments",
                new LockSettings(LockPolicy.WAIT, Duration.ofSeconds(1), LockMode.EXCLUSIVE, WaitLimits.UNBOUNDED),
                List.of(compiler.compile(source, METHOD)),
                "Sample.call(String, Request, Flag, Point)",
                ReturnKind.VALUE,
                LeaseParameter.NONE,
                false);
        Object[] arguments = {"secret-id", new Request("secret-account", null, true, 1), Flag.RED, null};
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> locked.execute(new LockExecutor(new InMemoryLockProvider()), arguments, this, () -> {
                    ran.set(true);
                    return "ran";
                }))
                .isInstanceOfAny(IllegalArgumentException.class, IllegalStateException.class)
                .isNotInstanceOf(LockKeyEvaluationException.class);
        assertThatThrownBy(() -> locked.specFor(arguments, this)).isNotInstanceOf(LockKeyEvaluationException.class);
        assertThat(ran).isFalse();
    }

    private @Nullable Object evaluate(String source, Object[] arguments) {
        return compiler.compile(source, METHOD).evaluate(arguments, this);
    }

    private static List<String> keysOf(Object value) {
        List<String> keys = new ArrayList<>();
        assertThat(KeyText.addKeys(value, keys)).isTrue();
        return keys;
    }

    private static List<Object[]> argumentSets() {
        List<Object[]> sets = new ArrayList<>();
        sets.add(new Object[] {"p-1", new Request("acc-1", new Owner("ann"), true, 10), Flag.RED, new Point(5, 6)});
        sets.add(new Object[] {"p-2", new Request("acc-2", null, false, -1), Flag.GREEN, null});
        sets.add(new Object[] {null, null, null, null});
        sets.add(new Object[] {"p-3", new SpecialRequest("acc-3"), Flag.GREEN, null});
        return sets;
    }

    private static Method method() {
        try {
            return Sample.class.getMethod("call", String.class, Request.class, Flag.class, Point.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    enum Flag {
        RED,
        GREEN
    }

    record Point(int x, int y) {}

    public static class Owner {
        private final String name;

        Owner(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    public static class Request {
        private final String accountId;
        private final @Nullable Owner owner;
        private final boolean active;
        private final long amount;

        Request(String accountId, @Nullable Owner owner, boolean active, long amount) {
            this.accountId = accountId;
            this.owner = owner;
            this.active = active;
            this.amount = amount;
        }

        public String getAccountId() {
            return accountId;
        }

        public @Nullable Owner getOwner() {
            return owner;
        }

        public boolean isActive() {
            return active;
        }

        public long getAmount() {
            return amount;
        }

        /** A getter that fails, saying what it read. */
        public String getSecret() {
            throw new IllegalStateException("no secret for " + accountId);
        }
    }

    /** Overrides a getter: both paths must call the override. */
    public static class SpecialRequest extends Request {
        SpecialRequest(String accountId) {
            super(accountId, new Owner("special"), true, 0);
        }

        @Override
        public String getAccountId() {
            return "special-" + super.getAccountId();
        }
    }

    public static class Tenants {
        public String current() {
            return "tenant-7";
        }
    }

    public static class Sample {
        public void call(String id, Request request, Flag flag, Point point) {}
    }
}
