package com.pharmabridge.simulator;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A serialization station: prints a GS1 DataMatrix (GTIN, lot, expiry, serial) on every carton and verifies it with
 * a camera. Each carton gives a read with the decoded data and its print-quality grade, then the vision inspection
 * verdict. Occasionally a code cannot be read at all.
 */
final class SerializationGenerator extends CycleGenerator {
    static final DateTimeFormatter EXPIRY_FORMAT = DateTimeFormatter.ofPattern("yyMMdd");
    static final int SHELF_LIFE_MONTHS = 24;

    private final SubjectHierarchy subjects;
    private final MachineContext context;
    private final RandomGenerator random;
    private final String gtin;
    private final String expiry;
    private final SerialNumbers serials;

    /**
     * @param productionDate the day the batch is packed; the expiry follows from it
     * @param gtin           the product's GTIN (14 digits, valid check digit), or {@code null} for one drawn at random
     */
    SerializationGenerator(SimulatedDevice device, MachineContext context, RandomGenerator random,
                           LocalDate productionDate, String gtin) {
        this.subjects = new SubjectHierarchy(device);
        this.context = context;
        this.random = random;
        String drawn = productGtin(random); // drawn either way, so a given GTIN does not shift the data that follows
        this.gtin = gtin == null ? drawn : gtin;
        // Expiry is printed as the last day of the month the shelf life ends in: the usual pharma convention.
        this.expiry = productionDate.plusMonths(SHELF_LIFE_MONTHS).with(TemporalAdjusters.lastDayOfMonth())
                .format(EXPIRY_FORMAT);
        this.serials = new SerialNumbers(random);
    }

    @Override
    protected void nextCycle(List<Reading> out) {
        String serial = serials.next();
        boolean readable = random.nextDouble() >= 0.005;
        String grade = readable ? printGrade() : "D";
        out.add(new Reading(subjects.factory("read"), JsonPayload.object()
                .text("gtin", gtin).text("lot", context.batchId()).text("expiry", expiry).text("serial", serial)
                .text("grade", grade).bool("readable", readable).text("batchId", context.batchId()).build()));
        // ISO/IEC 15415 grade C is the usual lowest acceptable grade for pharma codes.
        boolean pass = readable && !"D".equals(grade);
        if (pass) {
            produced++;
        } else {
            rejected++;
        }
        out.add(new Reading(subjects.quality("vision-inspection"), JsonPayload.object()
                .text("result", pass ? "pass" : "fail").text("grade", grade).text("serial", serial)
                .text("batchId", context.batchId()).build()));
    }

    String gtin() {
        return gtin;
    }

    private String printGrade() {
        double roll = random.nextDouble();
        return roll < 0.80 ? "A" : roll < 0.95 ? "B" : roll < 0.99 ? "C" : "D";
    }

    // Indicator digit 0 (the saleable unit), then a company prefix and item reference: 12 digits, then the check digit.
    private static String productGtin(RandomGenerator random) {
        StringBuilder first13 = new StringBuilder("0");
        for (int i = 0; i < 12; i++) {
            first13.append((char) ('0' + random.nextInt(10)));
        }
        return Gs1.withCheckDigit(first13.toString());
    }
}
