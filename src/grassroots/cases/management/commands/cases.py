from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Case tools: `cases train` retrains the classifier on the corpus plus staff corrections."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("train", help="retrain the auto-classifier and report its accuracy")
        sub.add_parser("check-sla", help="run the SLA warning, escalation and ownerless checks once")

    def handle(self, *args, action: str, **options):
        if action == "train":
            from grassroots.cases.classify import retrain

            figures = retrain()
            worst = sorted(figures["per_category"].items(), key=lambda kv: kv[1])[:3]
            self.stdout.write(
                f"训练样本 / examples: {figures['examples']} (split {figures['n_train']}/{figures['n_test']})"
            )
            self.stdout.write(f"留出集准确率 / held-out split accuracy: {figures['split_accuracy']:.3f}")
            self.stdout.write(
                f"手写测试集准确率 / hand-written held-out accuracy: {figures['heldout_accuracy']:.3f} "
                f"({figures['heldout_n']} reports)"
            )
            self.stdout.write("最弱类别 / weakest categories: " + ", ".join(f"{c} {a:.2f}" for c, a in worst))
        else:
            from grassroots.cases.tasks import auto_confirm, check_ownerless, check_sla

            self.stdout.write(f"sla: {check_sla()}, ownerless: {check_ownerless()}, auto-confirmed: {auto_confirm()}")
