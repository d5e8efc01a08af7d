#!/bin/bash
cd "$(dirname "$0")"
while [ ! -f exp3_cnn_smsa_full.json ]; do sleep 5; done
[ -f probs3_cnn_emot.npz ] && mv probs3_cnn_emot.npz probs_emot_cnn_full.npz && mv exp3_cnn_emot.json exp3_cnn_emot_full.json
taskset -c 1 nice venv/bin/python exp3_cnn.py cnn emot 8 split > exp3_cnn_emot_split.log 2>&1
taskset -c 1 nice venv/bin/python exp3_cnn.py cnn smsa 5 split > exp3_cnn_smsa_split.log 2>&1
taskset -c 1 nice venv/bin/python exp3_cnn.py gru emot 8 full > exp3_gru_emot.log 2>&1
taskset -c 1 nice venv/bin/python exp3_cnn.py gru emot 8 split > exp3_gru_emot_split.log 2>&1
echo done > exp3_done
