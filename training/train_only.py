"""Stage 1 of training/train.py on its own: fine-tune and save the checkpoint (no export)."""
import sys

from genre_detect.training import TrainingArguments, train

if __name__ == "__main__":
    train(TrainingArguments.from_file(sys.argv[1], sys.argv[2:]))
