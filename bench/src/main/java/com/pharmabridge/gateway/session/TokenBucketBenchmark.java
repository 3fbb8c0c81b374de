package com.pharmabridge.gateway.session;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The per-device rate check every Publish takes (the bucket is package-private in the gateway, hence this package;
 * the bench module puts it on the class path next to the gateway's classes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TokenBucketBenchmark {
    private final TokenBucket rate = new TokenBucket(1_000_000_000L, 1_000_000_000L);
    private final TokenBucket bytes = new TokenBucket(1_000_000_000L, 1_000_000_000L);

    @Benchmark
    public long takeMessageToken() {
        return rate.tryTake();
    }

    @Benchmark
    public long takeMessageAndByteTokens() {
        long wait = rate.tryTake();
        return wait > 0 ? wait : bytes.tryTake(260);
    }
}
