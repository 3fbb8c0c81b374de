package com.pharmabridge.simulator;

/** The packaging-line machines the simulator can play, with the token that names each in subjects. */
public enum Equipment {
    BLISTER_SEALER("blister-sealer"),
    CARTONER("cartoner"),
    CASE_PACKER("case-packer"),
    SERIALIZATION("serialization");

    private final String subjectToken;

    Equipment(String subjectToken) {
        this.subjectToken = subjectToken;
    }

    /**
     * @return the equipment token of the subject hierarchy ({@code factory.{plant}.{line}.{equipment}.{metric}}),
     *         also sent as {@code deviceType} in Auth
     */
    public String subjectToken() {
        return subjectToken;
    }
}
