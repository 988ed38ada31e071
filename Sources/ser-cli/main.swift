import SERTraining
print("ser-cli")
