"""The Dutch snowball stemmer, copied from the search library's language module (see NOTICE beside this).

Kept here so the Dutch analysis does not depend on the search engine's package; its stems must stay exactly the
ones the index and the classifier were built with (a different snowball version stems hundreds of words apart).
"""

from __future__ import annotations

_VOWELS = "aeiouy\xe8"
_STEP1_SUFFIXES = ("heden", "ene", "en", "se", "s")
_STEP3B_SUFFIXES = ("baar", "lijk", "bar", "end", "ing", "ig")


def _r1r2(word: str) -> tuple[str, str]:
    # R1: after the first non-vowel that follows a vowel; R2: the same inside R1.
    r1 = r2 = ""
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            r1 = word[i + 1 :]
            break
    for i in range(1, len(r1)):
        if r1[i] not in _VOWELS and r1[i - 1] in _VOWELS:
            r2 = r1[i + 1 :]
            break
    return r1, r2


def stem(word: str) -> str:
    """The Dutch snowball stem of a word."""
    word = word.lower()

    step2_success = False

    # Vowel accents are removed.
    word = (
        word.replace("\xe4", "a")
        .replace("\xe1", "a")
        .replace("\xeb", "e")
        .replace("\xe9", "e")
        .replace("\xed", "i")
        .replace("\xef", "i")
        .replace("\xf6", "o")
        .replace("\xf3", "o")
        .replace("\xfc", "u")
        .replace("\xfa", "u")
    )

    # An initial 'y', a 'y' after a vowel,
    # and an 'i' between _VOWELS is put into upper case.
    # As from now these are treated as consonants.
    if word.startswith("y"):
        word = "".join(("Y", word[1:]))

    for i in range(1, len(word)):
        if word[i - 1] in _VOWELS and word[i] == "y":
            word = "".join((word[:i], "Y", word[i + 1 :]))

    for i in range(1, len(word) - 1):
        if (
            word[i - 1] in _VOWELS
            and word[i] == "i"
            and word[i + 1] in _VOWELS
        ):
            word = "".join((word[:i], "I", word[i + 1 :]))

    r1, r2 = _r1r2(word)

    # R1 is adjusted so that the region before it
    # contains at least 3 letters.
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            if len(word[: i + 1]) < 3 and len(word[: i + 1]) > 0:
                r1 = word[3:]
            elif len(word[: i + 1]) == 0:
                return word
            break

    # STEP 1
    for suffix in _STEP1_SUFFIXES:
        if r1.endswith(suffix):
            if suffix == "heden":
                word = "".join((word[:-5], "heid"))
                r1 = "".join((r1[:-5], "heid"))
                if r2.endswith("heden"):
                    r2 = "".join((r2[:-5], "heid"))

            elif (
                suffix in ("ene", "en")
                and not word.endswith("heden")
                and word[-len(suffix) - 1] not in _VOWELS
                and word[-len(suffix) - 3 : -len(suffix)] != "gem"
            ):
                word = word[: -len(suffix)]
                r1 = r1[: -len(suffix)]
                r2 = r2[: -len(suffix)]
                if word.endswith(("kk", "dd", "tt")):
                    word = word[:-1]
                    r1 = r1[:-1]
                    r2 = r2[:-1]

            elif (
                suffix in ("se", "s")
                and word[-len(suffix) - 1] not in _VOWELS
                and word[-len(suffix) - 1] != "j"
            ):
                word = word[: -len(suffix)]
                r1 = r1[: -len(suffix)]
                r2 = r2[: -len(suffix)]
            break

    # STEP 2
    if r1.endswith("e") and word[-2] not in _VOWELS:
        step2_success = True
        word = word[:-1]
        r1 = r1[:-1]
        r2 = r2[:-1]

        if word.endswith(("kk", "dd", "tt")):
            word = word[:-1]
            r1 = r1[:-1]
            r2 = r2[:-1]

    # STEP 3a
    if r2.endswith("heid") and word[-5] != "c":
        word = word[:-4]
        r1 = r1[:-4]
        r2 = r2[:-4]

        if (
            r1.endswith("en")
            and word[-3] not in _VOWELS
            and word[-5:-2] != "gem"
        ):
            word = word[:-2]
            r1 = r1[:-2]
            r2 = r2[:-2]

            if word.endswith(("kk", "dd", "tt")):
                word = word[:-1]
                r1 = r1[:-1]
                r2 = r2[:-1]

    # STEP 3b: Derivational suffixes
    for suffix in _STEP3B_SUFFIXES:
        if r2.endswith(suffix):
            if suffix in ("end", "ing"):
                word = word[:-3]
                r2 = r2[:-3]

                if r2.endswith("ig") and word[-3] != "e":
                    word = word[:-2]
                else:
                    if word.endswith(("kk", "dd", "tt")):
                        word = word[:-1]

            elif suffix == "ig" and word[-3] != "e":
                word = word[:-2]

            elif suffix == "lijk":
                word = word[:-4]
                r1 = r1[:-4]

                if r1.endswith("e") and word[-2] not in _VOWELS:
                    word = word[:-1]
                    if word.endswith(("kk", "dd", "tt")):
                        word = word[:-1]

            elif suffix == "baar":
                word = word[:-4]

            elif suffix == "bar" and step2_success:
                word = word[:-3]
            break

    # STEP 4: Undouble vowel
    if len(word) >= 4:
        if word[-1] not in _VOWELS and word[-1] != "I":
            if word[-3:-1] in ("aa", "ee", "oo", "uu"):
                if word[-4] not in _VOWELS:
                    word = "".join((word[:-3], word[-3], word[-1]))

    # All occurrences of 'I' and 'Y' are put back into lower case.
    word = word.replace("I", "i").replace("Y", "y")

    return word
