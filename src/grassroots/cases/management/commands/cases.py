from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


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
                _("训练样本：%(n)s（训练 %(train)s / 测试 %(test)s）")
                % {"n": figures["examples"], "train": figures["n_train"], "test": figures["n_test"]}
            )
            self.stdout.write(_("留出集准确率：%(acc).3f") % {"acc": figures["split_accuracy"]})
            self.stdout.write(
                _("手写测试集准确率：%(acc).3f（%(n)s 条）")
                % {"acc": figures["heldout_accuracy"], "n": figures["heldout_n"]}
            )
            weakest = ", ".join(f"{c} {a:.2f}" for c, a in worst)
            self.stdout.write(_("最弱类别：%(list)s") % {"list": weakest})
        else:
            from grassroots.cases.tasks import auto_confirm, check_ownerless, check_sla

            self.stdout.write(f"sla: {check_sla()}, ownerless: {check_ownerless()}, auto-confirmed: {auto_confirm()}")
