from . import speller
