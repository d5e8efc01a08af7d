#!/bin/bash
# Sequential fine-tuning queue (one core). Waits for the pretraining to finish.
cd "$(dirname "$0")"
while [ ! -f pretrain_info.json ]; do sleep 10; done
run() { echo "=== $* $(date -u +%T)"; taskset -c 1 nice venv/bin/python exp2_transformer.py finetune "$@" 2>&1 | grep -v -i warn; }
run emot pre full 10
run emot scratch full 10
run emot pre split 10
run smsa pre full 5
run smsa scratch full 5
run smsa pre split 5
run emot scratch split 10
run smsa scratch split 5
echo "=== done $(date -u +%T)"
